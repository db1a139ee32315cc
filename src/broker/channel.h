#pragma once
// A channel: its memory queue, in-flight messages (with timeouts), deferred messages and
// subscribed consumers. Every public method takes the channel's own mutex for O(batch) work.
#include <atomic>
#include <boost/unordered/unordered_flat_map.hpp>
#include <cstdint>
#include <deque>
#include <mutex>
#include <queue>
#include <span>
#include <string>
#include <vector>

#include "broker/backend.h"
#include "broker/consumer.h"
#include "broker/delivery.h"
#include "broker/journal.h"
#include "broker/packed_message.h"
#include "broker/quantile.h"

namespace nsqpp::broker {

class topic;

// A message as the topic hands it to its channels: the shared message and its publish delay.
struct topic_entry {
    message_ptr msg;
    nanoseconds defer{0};
};

enum class ack_error { none, not_in_flight, not_owner, exiting };
enum class subscribe_error { none, exiting, too_many };

struct consumer_counts {
    int64_t in_flight = 0;
    uint64_t finish_count = 0;
    uint64_t requeue_count = 0;
};

struct channel_stats {
    std::string name;
    bool paused = false;
    size_t depth = 0;  // memory + backend
    int64_t backend_depth = 0;
    size_t in_flight_count = 0;
    size_t deferred_count = 0;
    uint64_t message_count = 0;
    uint64_t requeue_count = 0;
    uint64_t timeout_count = 0;
    size_t client_count = 0;
};

class channel {
  public:
    // `store` keeps what exceeds mem_queue_size (nullptr: memory only — ephemeral channels
    // drop the overflow, others make their topic hold messages back).
    // `e2e`: the end-to-end latency quantiles to keep (spec §10.2); nullptr: none (no cost).
    channel(topic* parent, std::string name, size_t mem_queue_size,
            std::unique_ptr<backend> store = nullptr,
            std::shared_ptr<const quantile_config> e2e = nullptr);
    ~channel();
    channel(const channel&) = delete;
    channel& operator=(const channel&) = delete;

    const std::string& name() const { return name_; }
    bool ephemeral() const { return ephemeral_; }
    topic* parent() const { return topic_; }

    // How many more messages the channel accepts (unlimited with a backend or when ephemeral:
    // the overflow goes to disk, or is dropped).
    size_t room() const;
    // Called by the topic: queue (or defer) every entry and wake waiting consumers.
    void put_batch(std::span<const topic_entry> entries, steady_time now);

    subscribe_error add_consumer(uint64_t id, consumer* c, int64_t max_consumers);
    // Returns true when the channel is ephemeral and has just lost its last consumer.
    bool remove_consumer(uint64_t id);

    // Moves up to (ready_count - consumer's in-flight) messages to in-flight for `id` and
    // appends them to `out`. When nothing can be taken the consumer is woken later.
    // sample_rate 1..99 drops each message with probability (99 - S)/100 (IDENTIFY sample_rate).
    size_t take(uint64_t id, int64_t ready_count, steady_time now, nanoseconds msg_timeout,
                std::vector<delivery>& out, int sample_rate = 0);
    ack_error finish(uint64_t id, message_id mid);
    ack_error requeue(uint64_t id, message_id mid, nanoseconds delay, steady_time now);
    ack_error touch(uint64_t id, message_id mid, steady_time now, nanoseconds msg_timeout,
                    nanoseconds max_msg_timeout);
    consumer_counts counts_for(uint64_t id) const;

    // Queue scanner: requeue expired in-flight messages and release due deferred ones.
    // Returns true when it found work.
    bool process_timeouts(steady_time now);
    bool process_deferred(steady_time now);

    void pause();
    void unpause();
    bool paused() const;
    // Discards queued, in-flight and deferred messages; consumers stay connected.
    void empty();
    // Marks the channel exiting, closes every consumer and discards everything (backend files
    // removed); the caller removed it from the topic.
    void close();
    // Shutdown: writes the memory queue, in-flight and deferred messages to the backend and
    // closes it, so that a restart delivers them all.
    void flush_and_close();
    void sync_backend(steady_time now);
    bool exiting() const { return exiting_.load(std::memory_order_acquire); }

    channel_stats stats() const;

    // Durable mode (journal.h): set once right after construction.
    void attach_journal(std::shared_ptr<journal> j) { journal_ = std::move(j); }
    // Checkpoint: the queue, in-flight (as ready, attempts kept) and deferred messages.
    void snapshot_to_journal();
    // Recovery: queues (or defers, by due time) recovered messages.
    void restore(std::span<const journal_entry> entries);
    // The e2e latency samples of the current window, appended to `out` (for query_quantiles);
    // false when no percentiles are configured.
    bool e2e_samples(std::vector<quantile_sample>& out) const;

  private:
    struct in_flight_entry {
        queued_message qm;
        uint64_t owner;
        steady_time deadline;
        steady_time delivered_at;
    };
    struct timeout_slot {
        steady_time deadline;
        message_id id;
        bool operator>(const timeout_slot& o) const { return deadline > o.deadline; }
    };
    struct deferred_slot {
        steady_time due;
        uint64_t seq;
        queued_message qm;
        bool operator>(const deferred_slot& o) const {
            return due != o.due ? due > o.due : seq > o.seq;
        }
    };
    struct consumer_state {
        consumer* c;
        consumer_counts counts;
        bool waiting = false;
    };

    size_t take_locked(uint64_t id, int64_t ready_count, steady_time now, nanoseconds msg_timeout,
                       std::vector<delivery>& out, int sample_rate);
    void wake_waiters_locked(size_t count);
    void wake_all_locked();
    void push_timeout_locked(steady_time deadline, message_id id);
    void enqueue_locked(queued_message qm);
    void store_locked(queued_message qm);
    bool pop_locked(queued_message& out);
    bool defer_restored_locked(queued_message& m);

    topic* topic_;
    const std::string name_;
    const bool ephemeral_;
    const size_t mem_queue_size_;

    mutable std::mutex mu_;
    std::deque<packed_message> queue_;  // 8 bytes a message
    std::unique_ptr<backend> backend_;
    std::vector<queued_message> overflow_;  // put_batch scratch
    bool read_backend_next_ = false;        // take alternates between memory and backend
    boost::unordered_flat_map<message_id, in_flight_entry> in_flight_;
    std::priority_queue<timeout_slot, std::vector<timeout_slot>, std::greater<>> timeouts_;
    std::priority_queue<deferred_slot, std::vector<deferred_slot>, std::greater<>> deferred_;
    uint64_t deferred_seq_ = 0;
    boost::unordered_flat_map<uint64_t, consumer_state> consumers_;
    std::vector<uint64_t> waiters_;
    bool paused_ = false;
    bool had_consumer_ = false;
    std::atomic<bool> exiting_{false};
    uint64_t message_count_ = 0;
    uint64_t requeue_count_ = 0;
    uint64_t timeout_count_ = 0;
    std::unique_ptr<windowed_quantile> e2e_;  // FIN latencies; null when not configured
    std::shared_ptr<journal> journal_;        // durable mode only
    // Due times (unix ns) of deferred messages saved by the last clean shutdown: applied when
    // those messages are read back from the backend.
    boost::unordered_flat_map<message_id, int64_t> restored_due_;
};

}  // namespace nsqpp::broker
