#include "broker/topic.h"

#include <algorithm>
#include <chrono>

#include "wire/names.h"

namespace nsqpp::broker {
namespace {
constexpr size_t pump_batch = 256;

int64_t unix_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}
}  // namespace

topic::topic(std::string name, size_t mem_queue_size, int64_t node_id)
    : name_(std::move(name)),
      ephemeral_(wire::is_ephemeral(name_)),
      mem_queue_size_(mem_queue_size),
      guids_(node_id) {}

topic::~topic() = default;

publish_error topic::publish(std::span<message_ptr> msgs, nanoseconds defer) {
    std::lock_guard lock(mu_);
    if (exiting_.load(std::memory_order_relaxed)) return publish_error::exiting;

    const bool direct = queue_.empty() && !paused_ && !channels_.empty();
    const size_t direct_room = direct ? fanout_room_locked() : 0;
    const size_t queue_room = queue_.size() >= mem_queue_size_ ? 0 : mem_queue_size_ - queue_.size();
    const size_t room = direct_room > SIZE_MAX - queue_room ? SIZE_MAX : direct_room + queue_room;
    if (msgs.size() > room && !ephemeral_) return publish_error::full;

    int64_t now = unix_now_ns();
    scratch_.clear();
    scratch_.reserve(msgs.size());
    for (auto& m : msgs) {
        m->assign(guids_.next_unblocking(now), now);
        message_count_ += 1;
        message_bytes_ += m->body_size();
        scratch_.push_back({m, defer});
    }
    size_t n_direct = std::min(direct_room, scratch_.size());
    if (n_direct > 0) fanout_locked(std::span(scratch_.data(), n_direct));
    for (size_t i = n_direct; i < scratch_.size(); ++i) {
        if (queue_.size() >= mem_queue_size_) break;  // only reached by ephemeral topics: drop
        queue_.push_back(std::move(scratch_[i]));
    }
    scratch_.clear();
    backlog_.store(!queue_.empty(), std::memory_order_release);
    return publish_error::none;
}

size_t topic::fanout_room_locked() const {
    size_t room = SIZE_MAX;
    for (const auto& [name, ch] : channels_) room = std::min(room, ch->room());
    return room;
}

void topic::fanout_locked(std::span<const topic_entry> entries) {
    auto now = std::chrono::steady_clock::now();
    for (const auto& [name, ch] : channels_) ch->put_batch(entries, now);
}

void topic::pump() {
    std::lock_guard lock(mu_);
    pump_locked();
}

void topic::pump_locked() {
    while (!queue_.empty() && !paused_ && !channels_.empty() &&
           !exiting_.load(std::memory_order_relaxed)) {
        size_t n = std::min({fanout_room_locked(), queue_.size(), pump_batch});
        if (n == 0) break;
        std::vector<topic_entry> batch(std::make_move_iterator(queue_.begin()),
                                       std::make_move_iterator(queue_.begin() + n));
        queue_.erase(queue_.begin(), queue_.begin() + n);
        fanout_locked(batch);
    }
    backlog_.store(!queue_.empty(), std::memory_order_release);
}

std::shared_ptr<channel> topic::get_channel(const std::string& name, bool* created) {
    std::lock_guard lock(mu_);
    auto it = channels_.find(name);
    if (it != channels_.end()) {
        if (created) *created = false;
        return it->second;
    }
    auto ch = std::make_shared<channel>(this, name, mem_queue_size_);
    channels_.emplace(name, ch);
    if (created) *created = true;
    pump_locked();  // messages waiting for a first channel go to it now
    return ch;
}

std::shared_ptr<channel> topic::find_channel(const std::string& name) const {
    std::lock_guard lock(mu_);
    auto it = channels_.find(name);
    return it == channels_.end() ? nullptr : it->second;
}

bool topic::delete_channel(const std::string& name) {
    std::shared_ptr<channel> ch;
    {
        std::lock_guard lock(mu_);
        auto it = channels_.find(name);
        if (it == channels_.end()) return false;
        ch = std::move(it->second);
        channels_.erase(it);
        pump_locked();  // a full channel may have been holding the others back
    }
    ch->close();
    return true;
}

std::vector<std::shared_ptr<channel>> topic::channels() const {
    std::lock_guard lock(mu_);
    std::vector<std::shared_ptr<channel>> out;
    out.reserve(channels_.size());
    for (const auto& [name, ch] : channels_) out.push_back(ch);
    return out;
}

size_t topic::channel_count() const {
    std::lock_guard lock(mu_);
    return channels_.size();
}

void topic::pause() {
    std::lock_guard lock(mu_);
    paused_ = true;
}

void topic::unpause() {
    std::lock_guard lock(mu_);
    paused_ = false;
    pump_locked();
}

bool topic::paused() const {
    std::lock_guard lock(mu_);
    return paused_;
}

void topic::empty() {
    std::lock_guard lock(mu_);
    queue_.clear();
    backlog_.store(false, std::memory_order_release);
}

void topic::close() {
    std::map<std::string, std::shared_ptr<channel>> channels;
    {
        std::lock_guard lock(mu_);
        exiting_.store(true, std::memory_order_release);
        channels.swap(channels_);
        queue_.clear();
        backlog_.store(false, std::memory_order_release);
    }
    for (auto& [name, ch] : channels) ch->close();
}

topic_stats topic::stats() const {
    std::vector<std::shared_ptr<channel>> chans;
    topic_stats s;
    {
        std::lock_guard lock(mu_);
        s.name = name_;
        s.paused = paused_;
        s.depth = queue_.size();
        s.message_count = message_count_;
        s.message_bytes = message_bytes_;
        for (const auto& [name, ch] : channels_) chans.push_back(ch);
    }
    for (const auto& ch : chans) s.channels.push_back(ch->stats());
    return s;
}

}  // namespace nsqpp::broker
