#include "broker/channel.h"

#include <algorithm>
#include <chrono>
#include <random>

#include "broker/topic.h"
#include "wire/names.h"

namespace nsqpp::broker {
namespace {
int64_t wall_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

uint32_t sample_random() {
    thread_local std::minstd_rand rng{std::random_device{}()};
    return static_cast<uint32_t>(rng());
}
}  // namespace

channel::channel(topic* parent, std::string name, size_t mem_queue_size,
                 std::unique_ptr<backend> store, std::shared_ptr<const quantile_config> e2e)
    : topic_(parent),
      name_(std::move(name)),
      ephemeral_(wire::is_ephemeral(name_)),
      mem_queue_size_(mem_queue_size),
      backend_(std::move(store)) {
    if (backend_) {
        for (const auto& [id, due] : backend_->take_due_times()) restored_due_.emplace(id, due);
    }
    if (e2e) e2e_ = std::make_unique<windowed_quantile>(std::move(e2e), wall_now_ns());
}

channel::~channel() = default;

size_t channel::room() const {
    if (ephemeral_ || backend_) return SIZE_MAX;
    std::lock_guard lock(mu_);
    return queue_.size() >= mem_queue_size_ ? 0 : mem_queue_size_ - queue_.size();
}

void channel::put_batch(std::span<const topic_entry> entries, steady_time now) {
    std::lock_guard lock(mu_);
    if (exiting_.load(std::memory_order_relaxed)) return;
    size_t ready = 0;
    overflow_.clear();
    for (const auto& e : entries) {
        ++message_count_;
        if (e.defer.count() > 0) {
            deferred_.push({now + e.defer, deferred_seq_++, {e.msg, 0}});
            continue;
        }
        ++ready;
        if (backend_ && queue_.size() >= mem_queue_size_) {
            overflow_.push_back({e.msg, 0});  // written below with one backend call
        } else {
            store_locked(queued_message{e.msg, 0});
        }
    }
    if (!overflow_.empty()) {
        (void)backend_->put_batch(overflow_);  // a failure is reported by nsqd's health
        overflow_.clear();
    }
    wake_waiters_locked(ready);
}

subscribe_error channel::add_consumer(uint64_t id, consumer* c, int64_t max_consumers) {
    std::lock_guard lock(mu_);
    if (exiting_.load(std::memory_order_relaxed)) return subscribe_error::exiting;
    if (max_consumers > 0 && static_cast<int64_t>(consumers_.size()) >= max_consumers) {
        return subscribe_error::too_many;
    }
    consumers_.emplace(id, consumer_state{c, {}, false});
    had_consumer_ = true;
    return subscribe_error::none;
}

bool channel::remove_consumer(uint64_t id) {
    std::lock_guard lock(mu_);
    consumers_.erase(id);
    std::erase(waiters_, id);
    return ephemeral_ && consumers_.empty() && !exiting_.load(std::memory_order_relaxed);
}

size_t channel::take(uint64_t id, int64_t ready_count, steady_time now, nanoseconds msg_timeout,
                     std::vector<delivery>& out, int sample_rate) {
    size_t n = take_locked(id, ready_count, now, msg_timeout, out, sample_rate);
    if (topic_ && topic_->has_backlog()) topic_->pump();
    return n;
}

size_t channel::take_locked(uint64_t id, int64_t ready_count, steady_time now,
                            nanoseconds msg_timeout, std::vector<delivery>& out, int sample_rate) {
    std::lock_guard lock(mu_);
    auto it = consumers_.find(id);
    if (it == consumers_.end()) return 0;
    auto& st = it->second;
    int64_t room = ready_count - st.counts.in_flight;
    if (room <= 0) return 0;
    if (paused_ || (queue_.empty() && (!backend_ || !backend_->has_data()))) {
        if (!st.waiting) {
            st.waiting = true;
            waiters_.push_back(id);
        }
        return 0;
    }
    size_t n = 0;
    steady_time deadline = now + msg_timeout;
    queued_message qm;
    while (n < static_cast<size_t>(room) && pop_locked(qm)) {
        // sample_rate S: deliver with probability (S+1)/100; the rest is consumed and lost
        if (sample_rate > 0 && static_cast<int>(sample_random() % 100) > sample_rate) {
            if (journal_) journal_->finish(topic_->name(), name_, qm.msg->id());
            continue;
        }
        ++qm.attempts;
        message_id mid = qm.msg->id();
        push_timeout_locked(deadline, mid);
        out.push_back(qm);
        in_flight_.insert_or_assign(mid, in_flight_entry{std::move(qm), id, deadline, now});
        ++n;
    }
    if (journal_ && n > 0) {
        journal_->deliver(topic_->name(), name_, std::span(out).subspan(out.size() - n));
    }
    st.counts.in_flight += static_cast<int64_t>(n);
    if (n == 0 && !st.waiting) {  // everything read was deferred (restored due times)
        st.waiting = true;
        waiters_.push_back(id);
    }
    return n;
}

ack_error channel::finish(uint64_t id, message_id mid) {
    std::lock_guard lock(mu_);
    auto it = in_flight_.find(mid);
    if (it == in_flight_.end()) return ack_error::not_in_flight;
    if (it->second.owner != id) return ack_error::not_owner;
    if (e2e_) {  // latency since publication (spec §10.2)
        int64_t now = wall_now_ns();
        e2e_->insert(static_cast<double>(now - it->second.qm.msg->timestamp()), now);
    }
    in_flight_.erase(it);
    if (journal_) journal_->finish(topic_->name(), name_, mid);
    if (auto c = consumers_.find(id); c != consumers_.end()) {
        --c->second.counts.in_flight;
        ++c->second.counts.finish_count;
    }
    return ack_error::none;
}

ack_error channel::requeue(uint64_t id, message_id mid, nanoseconds delay, steady_time now) {
    std::lock_guard lock(mu_);
    if (exiting_.load(std::memory_order_relaxed)) return ack_error::exiting;
    auto it = in_flight_.find(mid);
    if (it == in_flight_.end()) return ack_error::not_in_flight;
    if (it->second.owner != id) return ack_error::not_owner;
    queued_message qm = std::move(it->second.qm);
    in_flight_.erase(it);
    if (auto c = consumers_.find(id); c != consumers_.end()) {
        --c->second.counts.in_flight;
        ++c->second.counts.requeue_count;
    }
    ++requeue_count_;
    if (journal_) {
        journal_->requeue(topic_->name(), name_, mid, qm.attempts,
                          delay.count() > 0 ? wall_now_ns() + delay.count() : 0);
    }
    if (delay.count() > 0) {
        deferred_.push({now + delay, deferred_seq_++, std::move(qm)});
    } else {
        enqueue_locked(std::move(qm));
    }
    return ack_error::none;
}

ack_error channel::touch(uint64_t id, message_id mid, steady_time now, nanoseconds msg_timeout,
                         nanoseconds max_msg_timeout) {
    std::lock_guard lock(mu_);
    auto it = in_flight_.find(mid);
    if (it == in_flight_.end()) return ack_error::not_in_flight;
    if (it->second.owner != id) return ack_error::not_owner;
    steady_time deadline = std::min(now + msg_timeout, it->second.delivered_at + max_msg_timeout);
    it->second.deadline = deadline;
    push_timeout_locked(deadline, mid);
    return ack_error::none;
}

consumer_counts channel::counts_for(uint64_t id) const {
    std::lock_guard lock(mu_);
    auto it = consumers_.find(id);
    return it == consumers_.end() ? consumer_counts{} : it->second.counts;
}

bool channel::process_timeouts(steady_time now) {
    std::lock_guard lock(mu_);
    bool found = false;
    while (!timeouts_.empty() && timeouts_.top().deadline <= now) {
        timeout_slot slot = timeouts_.top();
        timeouts_.pop();
        auto it = in_flight_.find(slot.id);
        if (it == in_flight_.end() || it->second.deadline != slot.deadline) continue;  // stale
        queued_message qm = std::move(it->second.qm);
        uint64_t owner = it->second.owner;
        in_flight_.erase(it);
        ++timeout_count_;
        found = true;
        if (auto c = consumers_.find(owner); c != consumers_.end()) {
            --c->second.counts.in_flight;
            c->second.c->wake();
        }
        enqueue_locked(std::move(qm));
    }
    return found;
}

bool channel::process_deferred(steady_time now) {
    std::lock_guard lock(mu_);
    bool found = false;
    while (!deferred_.empty() && deferred_.top().due <= now) {
        queued_message qm = deferred_.top().qm;
        deferred_.pop();
        enqueue_locked(std::move(qm));
        found = true;
    }
    return found;
}

void channel::pause() {
    std::lock_guard lock(mu_);
    paused_ = true;
}

void channel::unpause() {
    std::lock_guard lock(mu_);
    paused_ = false;
    wake_all_locked();
}

bool channel::paused() const {
    std::lock_guard lock(mu_);
    return paused_;
}

void channel::empty() {
    {
        std::lock_guard lock(mu_);
        queue_.clear();
        if (backend_) backend_->empty();
        if (journal_) journal_->record(journal_event::channel_emptied, topic_->name(), name_);
        in_flight_.clear();
        timeouts_ = {};
        deferred_ = {};
        for (auto& [id, st] : consumers_) st.counts.in_flight = 0;
        wake_all_locked();
    }
    if (topic_ && topic_->has_backlog()) topic_->pump();  // room again for held-back messages
}

void channel::close() {
    std::lock_guard lock(mu_);
    exiting_.store(true, std::memory_order_release);
    for (auto& [id, st] : consumers_) st.c->close_from_channel();
    consumers_.clear();
    waiters_.clear();
    queue_.clear();
    in_flight_.clear();
    timeouts_ = {};
    deferred_ = {};
    if (backend_) backend_->remove();
}

void channel::flush_and_close() {
    std::lock_guard lock(mu_);
    exiting_.store(true, std::memory_order_release);
    for (auto& [id, st] : consumers_) st.c->close_from_channel();
    consumers_.clear();
    waiters_.clear();
    if (!backend_) return;  // ephemeral: nothing survives a restart
    while (!queue_.empty()) {
        (void)backend_->put(queue_.front().unpack());
        queue_.pop_front();
    }
    for (auto& [mid, e] : in_flight_) (void)backend_->put(e.qm);
    in_flight_.clear();
    timeouts_ = {};
    backend::due_times dues;
    const int64_t wall = wall_now_ns();
    const steady_time now = std::chrono::steady_clock::now();
    while (!deferred_.empty()) {
        const auto& d = deferred_.top();
        if (!backend_->put(d.qm)) {
            dues.emplace_back(d.qm.msg->id(),
                              wall + std::chrono::duration_cast<nanoseconds>(d.due - now).count());
        }
        deferred_.pop();
    }
    backend_->save_due_times(dues);  // NSQ loses them; nsqpp keeps them (docs/durability.md)
    backend_->close();
}

void channel::sync_backend(steady_time now) {
    std::lock_guard lock(mu_);
    if (backend_) backend_->maybe_sync(now);
}

void channel::snapshot_to_journal() {
    std::lock_guard lock(mu_);
    if (!journal_ || exiting_.load(std::memory_order_relaxed)) return;
    std::vector<journal_entry> all;
    all.reserve(queue_.size() + in_flight_.size() + deferred_.size());
    for (const auto& p : queue_) {
        auto qm = p.peek();
        all.push_back({std::move(qm.msg), qm.attempts, 0});
    }
    for (const auto& [mid, e] : in_flight_) all.push_back({e.qm.msg, e.qm.attempts, 0});
    int64_t wall = wall_now_ns();
    steady_time now = std::chrono::steady_clock::now();
    auto deferred = deferred_;  // a priority_queue cannot be iterated
    while (!deferred.empty()) {
        const auto& d = deferred.top();
        int64_t left = std::chrono::duration_cast<nanoseconds>(d.due - now).count();
        all.push_back({d.qm.msg, d.qm.attempts, wall + std::max<int64_t>(left, 1)});
        deferred.pop();
    }
    journal_->snapshot(topic_->name(), &name_, all);
}

void channel::restore(std::span<const journal_entry> entries) {
    std::lock_guard lock(mu_);
    int64_t wall = wall_now_ns();
    steady_time now = std::chrono::steady_clock::now();
    for (const auto& e : entries) {
        queued_message qm{e.msg, e.attempts};
        if (e.due_ns > wall) {
            deferred_.push({now + nanoseconds(e.due_ns - wall), deferred_seq_++, std::move(qm)});
        } else {
            store_locked(std::move(qm));
        }
    }
    wake_waiters_locked(entries.size());
}

channel_stats channel::stats() const {
    std::lock_guard lock(mu_);
    channel_stats s;
    s.name = name_;
    s.paused = paused_;
    s.backend_depth = backend_ ? backend_->depth() : 0;
    s.depth = queue_.size() + static_cast<size_t>(s.backend_depth);
    s.in_flight_count = in_flight_.size();
    s.deferred_count = deferred_.size();
    s.message_count = message_count_;
    s.requeue_count = requeue_count_;
    s.timeout_count = timeout_count_;
    s.client_count = consumers_.size();
    return s;
}

bool channel::e2e_samples(std::vector<quantile_sample>& out) const {
    std::lock_guard lock(mu_);
    if (!e2e_) return false;
    e2e_->append_samples(wall_now_ns(), out);
    return true;
}

void channel::enqueue_locked(queued_message qm) {
    store_locked(std::move(qm));
    wake_waiters_locked(1);
}

// Memory while it has room, then the backend; without one an ephemeral channel drops the
// overflow and any other keeps it in memory (its topic holds messages back when it is full).
void channel::store_locked(queued_message qm) {
    if (queue_.size() < mem_queue_size_ || (!backend_ && !ephemeral_)) {
        queue_.emplace_back(std::move(qm));
        return;
    }
    if (!backend_) return;
    (void)backend_->put(qm);  // a failure is logged and reported by nsqd's health
}

// Alternates between memory and backend when both hold messages, so neither starves.
bool channel::pop_locked(queued_message& out) {
    bool from_backend = backend_ && (read_backend_next_ || queue_.empty()) && backend_->has_data();
    while (from_backend) {
        auto m = backend_->read();
        if (!m) break;
        read_backend_next_ = false;
        if (!restored_due_.empty() && defer_restored_locked(*m)) {
            from_backend = read_backend_next_ || queue_.empty() ? backend_->has_data() : false;
            continue;
        }
        out = std::move(*m);
        return true;
    }
    if (queue_.empty()) return false;
    out = queue_.front().unpack();
    queue_.pop_front();
    read_backend_next_ = backend_ != nullptr;
    return true;
}

// A message deferred at the last clean shutdown goes back to the deferred queue until its due
// time; true when it did.
bool channel::defer_restored_locked(queued_message& m) {
    auto it = restored_due_.find(m.msg->id());
    if (it == restored_due_.end()) return false;
    int64_t left = it->second - wall_now_ns();
    restored_due_.erase(it);
    if (left <= 0) return false;
    deferred_.push(
        {std::chrono::steady_clock::now() + nanoseconds(left), deferred_seq_++, std::move(m)});
    return true;
}

void channel::push_timeout_locked(steady_time deadline, message_id id) {
    timeouts_.push({deadline, id});
    // Lazy deletion leaves stale slots behind FIN/REQ/TOUCH: rebuild when they dominate.
    if (timeouts_.size() > 2 * in_flight_.size() + 1024) {
        std::vector<timeout_slot> live;
        live.reserve(in_flight_.size() + 1);
        for (const auto& [mid, e] : in_flight_) live.push_back({e.deadline, mid});
        if (in_flight_.find(id) == in_flight_.end()) live.push_back({deadline, id});
        timeouts_ = decltype(timeouts_)(std::greater<>{}, std::move(live));
    }
}

void channel::wake_waiters_locked(size_t count) {
    // Every waiter is woken, not just `count` of them: a woken consumer may take nothing
    // (RDY 0, disconnecting) and its wake would otherwise be lost for the others.
    if (count == 0) return;
    for (uint64_t id : waiters_) {
        auto it = consumers_.find(id);
        if (it == consumers_.end() || !it->second.waiting) continue;
        it->second.waiting = false;
        it->second.c->wake();
    }
    waiters_.clear();
}

void channel::wake_all_locked() {
    waiters_.clear();
    for (auto& [id, st] : consumers_) {
        st.waiting = false;
        st.c->wake();
    }
}

}  // namespace nsqpp::broker
