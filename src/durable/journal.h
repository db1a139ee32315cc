#pragma once
// The durable mode's journal: broker::journal on a segment_log in <data-path>/durable/, with
// one syncer thread (group commit) and one checkpoint thread that snapshots every topic and
// channel into a fresh segment and then deletes the segments before it (reclamation).
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "broker/journal.h"
#include "broker/registry.h"
#include "durable/replay.h"
#include "durable/segment_log.h"

namespace nsqpp::durable {

struct journal_config {
    std::string dir;                    // e.g. <data-path>/durable
    std::shared_ptr<file_layer> files;  // null: POSIX
    uint64_t segment_bytes = 64ull << 20;
    size_t checkpoint_segments = 4;  // checkpoint once the log has more segments than this
    std::shared_ptr<spdlog::logger> log;
    std::function<void(const std::string&)> on_failure;  // see log_config
};

struct journal_stats {
    uint64_t corruptions = 0;   // damaged regions found by recovery (since start)
    uint64_t lost_records = 0;  // synced records recovery could not read
    uint64_t bad_records = 0;   // records that checked out but could not be decoded
    uint64_t torn_bytes = 0;
    uint64_t recovered_messages = 0;
    uint64_t committed = 0;
    uint64_t segments = 0;
    uint64_t disk_bytes = 0;
    uint64_t checkpoints = 0;
};

class log_journal final : public broker::journal {
  public:
    // Opens the log and replays it into `state`. Throws std::runtime_error when the directory
    // cannot be read or written.
    static std::shared_ptr<log_journal> open(journal_config cfg, replayer& state);
    ~log_journal() override;

    uint64_t publish(const std::string& topic, std::span<const broker::message_ptr> msgs,
                     int64_t due_ns) override;
    void deliver(const std::string& topic, const std::string& channel,
                 std::span<const broker::delivery> ds) override;
    void finish(const std::string& topic, const std::string& channel,
                broker::message_id id) override;
    void requeue(const std::string& topic, const std::string& channel, broker::message_id id,
                 uint16_t attempts, int64_t due_ns) override;
    void record(broker::journal_event e, const std::string& topic,
                const std::string& channel) override;
    void snapshot(const std::string& topic, const std::string* channel,
                  std::span<const broker::journal_entry> entries) override;

    uint64_t committed() const override { return log_->committed(); }
    bool failed() const override { return static_cast<bool>(log_->failure()); }
    void on_committed(uint64_t ticket, std::function<void()> fn) override {
        log_->on_committed(ticket, std::move(fn));
    }
    bool wait_committed(uint64_t ticket) override { return log_->wait_committed(ticket); }

    // Starts the syncer and the checkpoint thread (which snapshots `topics`).
    void start(broker::registry& topics);
    // Stops both threads after a last commit (before the registry goes away).
    void stop();
    // Snapshots every topic now and reclaims the segments before the snapshot once it is durable.
    // Returns false when the log failed (nothing reclaimed).
    bool checkpoint(broker::registry& topics);
    journal_stats stats() const;
    counters_t counters() const override;
    segment_log& log() { return *log_; }

  private:
    explicit log_journal(journal_config cfg) : cfg_(std::move(cfg)) {}
    uint64_t append(const std::string& payload) { return log_->append(payload); }
    void checkpoint_loop(broker::registry* topics);

    journal_config cfg_;
    std::unique_ptr<segment_log> log_;
    recovery_report report_;
    uint64_t bad_records_ = 0;
    uint64_t recovered_messages_ = 0;
    std::atomic<uint64_t> checkpoints_{0};

    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread checkpointer_;
};

}  // namespace nsqpp::durable
