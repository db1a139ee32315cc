#pragma once
// What a topic and its channels record in the durable mode (--durability=fsync; implemented by
// src/durable). Every call is made under the topic's or channel's lock: an implementation only
// buffers (no I/O, no callbacks into the broker). Null in the default mode.
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "broker/delivery.h"

namespace nsqpp::broker {

// A message as a snapshot or a recovery hands it over: due_ns is a unix time in nanoseconds
// (0: ready now), attempts the deliveries so far.
struct journal_entry {
    message_ptr msg;
    uint16_t attempts = 0;
    int64_t due_ns = 0;
};

enum class journal_event : uint8_t {
    channel_created = 1,
    channel_deleted,
    channel_emptied,
    topic_deleted,
    topic_emptied,
};

class journal {
  public:
    virtual ~journal() = default;
    // Returns the commit ticket: the publish is durable once committed() reaches it.
    virtual uint64_t publish(const std::string& topic, std::span<const message_ptr> msgs,
                             int64_t due_ns) = 0;
    virtual void deliver(const std::string& topic, const std::string& channel,
                         std::span<const delivery> ds) = 0;
    virtual void finish(const std::string& topic, const std::string& channel, message_id id) = 0;
    virtual void requeue(const std::string& topic, const std::string& channel, message_id id,
                         uint16_t attempts, int64_t due_ns) = 0;
    virtual void record(journal_event e, const std::string& topic, const std::string& channel) = 0;
    // Checkpoint: the whole state of a topic's held messages (channel == nullptr) or of a
    // channel, replacing what earlier records said about it.
    virtual void snapshot(const std::string& topic, const std::string* channel,
                          std::span<const journal_entry> entries) = 0;

    // Commit tickets.
    virtual uint64_t committed() const = 0;
    virtual bool failed() const = 0;
    // Runs fn (which must only schedule work) once `ticket` is durable or the journal failed.
    virtual void on_committed(uint64_t ticket, std::function<void()> fn) = 0;
    // Blocks until `ticket` is durable (true) or the journal failed (false).
    virtual bool wait_committed(uint64_t ticket) = 0;

    // What /stats and /metrics show of the journal.
    struct counters_t {
        uint64_t corruptions = 0;   // damaged regions found by the last recovery
        uint64_t lost_records = 0;  // synced records that recovery could not read
        uint64_t committed = 0;     // durable watermark (LSN)
        uint64_t segments = 0;
        uint64_t disk_bytes = 0;
        uint64_t checkpoints = 0;
        bool failed = false;
    };
    virtual counters_t counters() const = 0;
};

}  // namespace nsqpp::broker
