#pragma once
// A message delivered to a consumer's handler, with its reply operations (FIN/REQ/TOUCH).
// Each message can be answered once; later answers are ignored. Thread-safe.
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "nsqpp/config.h"

namespace nsqpp::client {

namespace detail {
class message_responder;  // the connection that delivered the message
}

class message : public std::enable_shared_from_this<message> {
  public:
    using id_type = std::array<char, 16>;  // 16 ASCII hex characters

    message(id_type id, int64_t timestamp_ns, uint16_t attempts, std::string body,
            std::shared_ptr<detail::message_responder> responder);
    message(const message&) = delete;
    message& operator=(const message&) = delete;

    const id_type& id() const { return id_; }
    std::string_view id_view() const { return {id_.data(), id_.size()}; }
    int64_t timestamp() const { return timestamp_; }  // ns since the epoch (nsqd's clock)
    uint16_t attempts() const { return attempts_; }   // 1 on the first delivery
    const std::string& body() const { return body_; }
    std::string& body() { return body_; }
    // "host:port" of the nsqd that delivered it (empty for messages made in tests).
    const std::string& nsqd_address() const;

    // Manual mode: the handler's return value no longer answers the message; keep a
    // shared_ptr (shared_from_this()) and call finish/requeue/touch later, from any thread.
    void disable_auto_response() { auto_response_disabled_ = true; }
    bool is_auto_response_disabled() const { return auto_response_disabled_; }
    bool has_responded() const { return responded_; }

    void finish();                                // FIN; backoff signal "resume"
    void requeue(duration delay = duration{-1});  // REQ; -1 = default_requeue_delay × attempts
    void requeue_without_backoff(duration delay = duration{-1});  // REQ without a backoff signal
    void touch();                                                 // TOUCH (only while not answered)

  private:
    void respond(int kind, duration delay);

    id_type id_;
    int64_t timestamp_;
    uint16_t attempts_;
    std::string body_;
    std::shared_ptr<detail::message_responder> responder_;
    std::atomic<bool> auto_response_disabled_{false};
    std::atomic<bool> responded_{false};
};

using message_ptr = std::shared_ptr<message>;

}  // namespace nsqpp::client
