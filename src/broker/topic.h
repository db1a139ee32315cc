#pragma once
// A topic: generates message IDs, holds messages while it has no channel (or is paused, or its
// channels are full) and fans every message out to every channel.
#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "broker/channel.h"
#include "broker/guid.h"
#include "broker/journal.h"

namespace nsqpp::broker {

enum class publish_error { none, exiting, full, backend };

struct topic_stats {
    std::string name;
    bool paused = false;
    size_t depth = 0;  // memory + backend
    int64_t backend_depth = 0;
    uint64_t message_count = 0;
    uint64_t message_bytes = 0;
    std::vector<channel_stats> channels;
};

class topic {
  public:
    // `make_backend` creates the topic's and its channels' backends (empty: memory only).
    // A topic created `started == false` holds its messages until start() (nsqd start-up
    // creates every channel from nsqd.dat before messages flow).
    // `e2e`: the latency quantiles its channels keep (nullptr: none).
    topic(std::string name, size_t mem_queue_size, int64_t node_id,
          backend_factory make_backend = nullptr, bool started = true,
          std::shared_ptr<const quantile_config> e2e = nullptr);
    ~topic();
    topic(const topic&) = delete;
    topic& operator=(const topic&) = delete;

    const std::string& name() const { return name_; }
    bool ephemeral() const { return ephemeral_; }

    // Assigns IDs and timestamps, then hands the messages to the channels or queues them.
    // All or nothing: a batch that does not fit is refused whole (publish_error::full).
    // Durable mode: `ticket` receives the journal's commit ticket (0 without a journal).
    publish_error publish(std::span<message_ptr> msgs, nanoseconds defer = nanoseconds{0},
                          uint64_t* ticket = nullptr);

    // Returns the channel, creating it when missing (`created` tells which).
    std::shared_ptr<channel> get_channel(const std::string& name, bool* created = nullptr);
    std::shared_ptr<channel> find_channel(const std::string& name) const;
    // Removes and closes the channel; returns false when it did not exist.
    bool delete_channel(const std::string& name);
    std::vector<std::shared_ptr<channel>> channels() const;
    size_t channel_count() const;

    void pause();
    void unpause();
    bool paused() const;
    void empty();
    // Marks the topic exiting and closes every channel.
    void close();
    bool exiting() const { return exiting_.load(std::memory_order_acquire); }

    bool has_backlog() const { return backlog_.load(std::memory_order_acquire); }
    // Moves up to `limit` queued messages (memory and backend) to the channels while they have
    // room. Called after takes, channel creation, unpause, and by the queue scanner.
    void pump(size_t limit = 10000);
    void start();
    // Shutdown: flushes every channel and the topic's memory queue to the backends.
    void flush_and_close();
    // Queue scanner: the backends' sync timeouts.
    void sync_backends(steady_time now);

    topic_stats stats() const;

    // Durable mode (journal.h): set once right after construction, before any channel exists.
    void attach_journal(std::shared_ptr<journal> j) { journal_ = std::move(j); }
    // Checkpoint: snapshots the held messages and every channel into the journal.
    void snapshot_to_journal();
    // Recovery (before start()): messages the topic held when it stopped.
    void restore_held(std::span<const journal_entry> entries);

  private:
    size_t fanout_room_locked() const;
    void fanout_locked(std::span<const topic_entry> entries);
    void pump_locked(size_t limit);
    bool pop_locked(topic_entry& out);
    void update_backlog_locked();

    const std::string name_;
    const bool ephemeral_;
    const size_t mem_queue_size_;

    mutable std::mutex mu_;
    guid_factory guids_;
    std::deque<topic_entry> queue_;
    backend_factory make_backend_;
    std::unique_ptr<backend> backend_;
    bool read_backend_next_ = false;
    bool started_ = true;
    std::map<std::string, std::shared_ptr<channel>> channels_;
    bool paused_ = false;
    std::atomic<bool> backlog_{false};
    std::atomic<bool> exiting_{false};
    uint64_t message_count_ = 0;
    uint64_t message_bytes_ = 0;
    std::vector<topic_entry> scratch_;
    std::shared_ptr<const quantile_config> e2e_;
    std::shared_ptr<journal> journal_;  // durable mode only
};

}  // namespace nsqpp::broker
