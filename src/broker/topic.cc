#include "broker/topic.h"

#include <algorithm>
#include <chrono>

#include "wire/names.h"

namespace nsqpp::broker {
namespace {
constexpr size_t pump_batch = 256;
// messages moved at once when a channel appears or the topic starts/unpauses; the rest by
// takes and the queue scanner
constexpr size_t pump_limit = 10000;

int64_t unix_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}
}  // namespace

topic::topic(std::string name, size_t mem_queue_size, int64_t node_id, backend_factory make_backend,
             bool started, std::shared_ptr<const quantile_config> e2e)
    : name_(std::move(name)),
      ephemeral_(wire::is_ephemeral(name_)),
      mem_queue_size_(mem_queue_size),
      guids_(node_id),
      make_backend_(ephemeral_ ? nullptr : std::move(make_backend)),
      started_(started),
      e2e_(std::move(e2e)) {
    if (make_backend_) backend_ = make_backend_(name_);
    backlog_.store(backend_ && backend_->has_data(), std::memory_order_release);
}

topic::~topic() = default;

publish_error topic::publish(std::span<message_ptr> msgs, nanoseconds defer, uint64_t* ticket) {
    std::lock_guard lock(mu_);
    if (exiting_.load(std::memory_order_relaxed)) return publish_error::exiting;

    const bool direct = started_ && !has_backlog() && !paused_ && !channels_.empty();
    const size_t direct_room = direct ? fanout_room_locked() : 0;
    const size_t queue_room =
        queue_.size() >= mem_queue_size_ ? 0 : mem_queue_size_ - queue_.size();
    const size_t room = direct_room > SIZE_MAX - queue_room ? SIZE_MAX : direct_room + queue_room;
    if (msgs.size() > room && !ephemeral_ && !backend_) return publish_error::full;

    int64_t now = unix_now_ns();
    scratch_.clear();
    scratch_.reserve(msgs.size());
    for (auto& m : msgs) {
        m->assign(guids_.next_unblocking(now), now);
        message_count_ += 1;
        message_bytes_ += m->body_size();
        scratch_.push_back({m, defer});
    }
    if (journal_) {  // durable mode: logged before anyone can see the messages
        uint64_t t = journal_->publish(name_, msgs, defer.count() > 0 ? now + defer.count() : 0);
        if (ticket) *ticket = t;
    }
    size_t n_direct = std::min(direct_room, scratch_.size());
    if (n_direct > 0) fanout_locked(std::span(scratch_.data(), n_direct));
    publish_error result = publish_error::none;
    std::vector<queued_message> overflow;
    for (size_t i = n_direct; i < scratch_.size(); ++i) {
        if (queue_.size() < mem_queue_size_) {
            queue_.push_back(std::move(scratch_[i]));
        } else if (backend_) {
            // NSQ: a deferred message spilling to the topic's disk queue loses its delay
            overflow.push_back(queued_message{std::move(scratch_[i].msg), 0});
        }  // else: only ephemeral topics get here, and they drop the overflow
    }
    if (!overflow.empty() && backend_->put_batch(overflow)) result = publish_error::backend;
    scratch_.clear();
    update_backlog_locked();
    return result;
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

void topic::pump(size_t limit) {
    std::lock_guard lock(mu_);
    pump_locked(limit);
}

void topic::pump_locked(size_t limit) {
    size_t moved = 0;
    std::vector<topic_entry> batch;
    while (moved < limit && started_ && !paused_ && !channels_.empty() &&
           !exiting_.load(std::memory_order_relaxed)) {
        size_t n = std::min({fanout_room_locked(), pump_batch, limit - moved});
        batch.clear();
        topic_entry e;
        while (batch.size() < n && pop_locked(e)) batch.push_back(std::move(e));
        if (batch.empty()) break;
        fanout_locked(batch);
        moved += batch.size();
    }
    update_backlog_locked();
}

// Alternates between memory and backend when both hold messages.
bool topic::pop_locked(topic_entry& out) {
    bool from_backend = backend_ && (read_backend_next_ || queue_.empty()) && backend_->has_data();
    if (from_backend) {
        if (auto m = backend_->read()) {
            out = topic_entry{std::move(m->msg), nanoseconds{0}};
            read_backend_next_ = false;
            return true;
        }
    }
    if (queue_.empty()) return false;
    out = std::move(queue_.front());
    queue_.pop_front();
    read_backend_next_ = backend_ != nullptr;
    return true;
}

void topic::update_backlog_locked() {
    backlog_.store(!queue_.empty() || (backend_ && backend_->has_data()),
                   std::memory_order_release);
}

void topic::start() {
    std::lock_guard lock(mu_);
    started_ = true;
    pump_locked(pump_limit);
}

void topic::sync_backends(steady_time now) {
    std::vector<std::shared_ptr<channel>> chans;
    {
        std::lock_guard lock(mu_);
        if (backend_) backend_->maybe_sync(now);
        for (const auto& [name, ch] : channels_) chans.push_back(ch);
    }
    for (const auto& ch : chans) ch->sync_backend(now);
}

void topic::flush_and_close() {
    std::map<std::string, std::shared_ptr<channel>> channels;
    {
        std::lock_guard lock(mu_);
        exiting_.store(true, std::memory_order_release);
        channels.swap(channels_);
        if (backend_) {
            for (auto& e : queue_) (void)backend_->put(queued_message{std::move(e.msg), 0});
            backend_->close();
        }
        queue_.clear();
        backlog_.store(false, std::memory_order_release);
    }
    for (auto& [name, ch] : channels) ch->flush_and_close();
}

std::shared_ptr<channel> topic::get_channel(const std::string& name, bool* created) {
    std::lock_guard lock(mu_);
    auto it = channels_.find(name);
    if (it != channels_.end()) {
        if (created) *created = false;
        return it->second;
    }
    std::unique_ptr<backend> store;
    if (make_backend_ && !wire::is_ephemeral(name)) store = make_backend_(name_ + ":" + name);
    auto ch = std::make_shared<channel>(this, name, mem_queue_size_, std::move(store), e2e_);
    if (journal_) {  // an ephemeral channel is recorded (it takes messages) but not journaled
        if (!wire::is_ephemeral(name)) ch->attach_journal(journal_);
        journal_->record(journal_event::channel_created, name_, name);
    }
    channels_.emplace(name, ch);
    if (created) *created = true;
    pump_locked(pump_limit);  // messages waiting for a first channel go to it now
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
        if (journal_) journal_->record(journal_event::channel_deleted, name_, name);
        pump_locked(pump_limit);  // a full channel may have been holding the others back
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
    pump_locked(pump_limit);
}

bool topic::paused() const {
    std::lock_guard lock(mu_);
    return paused_;
}

void topic::empty() {
    std::lock_guard lock(mu_);
    queue_.clear();
    if (backend_) backend_->empty();
    if (journal_) journal_->record(journal_event::topic_emptied, name_, "");
    backlog_.store(false, std::memory_order_release);
}

void topic::close() {
    std::map<std::string, std::shared_ptr<channel>> channels;
    {
        std::lock_guard lock(mu_);
        exiting_.store(true, std::memory_order_release);
        channels.swap(channels_);
        queue_.clear();
        if (backend_) backend_->remove();
        if (journal_) journal_->record(journal_event::topic_deleted, name_, "");
        backlog_.store(false, std::memory_order_release);
    }
    for (auto& [name, ch] : channels) ch->close();
}

void topic::snapshot_to_journal() {
    if (!journal_) return;
    // The topic lock is held throughout: no publish can fall between the snapshots.
    std::lock_guard lock(mu_);
    if (exiting_.load(std::memory_order_relaxed)) return;
    std::vector<journal_entry> held;
    int64_t now = unix_now_ns();
    held.reserve(queue_.size());
    for (const auto& e : queue_) {
        held.push_back({e.msg, 0, e.defer.count() > 0 ? now + e.defer.count() : 0});
    }
    journal_->snapshot(name_, nullptr, held);
    for (const auto& [name, ch] : channels_) ch->snapshot_to_journal();
}

void topic::restore_held(std::span<const journal_entry> entries) {
    std::lock_guard lock(mu_);
    int64_t now = unix_now_ns();
    for (const auto& e : entries) {
        queue_.push_back({e.msg, nanoseconds(e.due_ns > now ? e.due_ns - now : 0)});
    }
    update_backlog_locked();
}

topic_stats topic::stats() const {
    std::vector<std::shared_ptr<channel>> chans;
    topic_stats s;
    {
        std::lock_guard lock(mu_);
        s.name = name_;
        s.paused = paused_;
        s.backend_depth = backend_ ? backend_->depth() : 0;
        s.depth = queue_.size() + static_cast<size_t>(s.backend_depth);
        s.message_count = message_count_;
        s.message_bytes = message_bytes_;
        for (const auto& [name, ch] : channels_) chans.push_back(ch);
    }
    for (const auto& ch : chans) s.channels.push_back(ch->stats());
    return s;
}

}  // namespace nsqpp::broker
