#pragma once
// Where a topic or channel keeps what does not fit in memory. nsqd uses a go-diskqueue
// compatible disk backend; a later durability mode adds a second implementation.
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "broker/delivery.h"

namespace nsqpp::broker {

class backend {
  public:
    virtual ~backend() = default;
    // Stores one message with its attempts. An error leaves nothing stored.
    virtual std::error_code put(const queued_message& m) = 0;
    // Stores several messages, with as few writes as possible.
    virtual std::error_code put_batch(std::span<const queued_message> ms) {
        for (const auto& m : ms) {
            if (auto ec = put(m)) return ec;
        }
        return {};
    }
    // The oldest stored message (its body in a new allocation), or nullopt when empty.
    virtual std::optional<queued_message> read() = 0;
    virtual int64_t depth() const = 0;
    // Whether read() may return a message (unlike depth(), exact even after a crash).
    virtual bool has_data() const = 0;
    // Called periodically (queue scanner) to honour the sync timeout.
    virtual void maybe_sync(steady_time now) = 0;
    // Discards everything stored.
    virtual void empty() = 0;
    // Discards everything and removes the files (topic/channel deletion).
    virtual void remove() = 0;
    // Flushes and closes (shutdown); the stored messages survive a restart.
    virtual void close() = 0;

    // Clean shutdown (nsqpp, default mode): the due times (unix ns) of deferred messages that
    // were just put() — the messages stay in NSQ's format (NSQ delivers them at once), the due
    // times go beside them; take_due_times() returns them once after the restart.
    using due_times = std::vector<std::pair<message_id, int64_t>>;
    virtual void save_due_times(const due_times&) {}
    virtual due_times take_due_times() { return {}; }
};

// Creates the backend of a queue named "<topic>" or "<topic>:<channel>".
using backend_factory = std::function<std::unique_ptr<backend>(const std::string& queue_name)>;

}  // namespace nsqpp::broker
