#include "nsqpp/message.h"

#include "client/responder.h"

namespace nsqpp::client {

using detail::response_kind;

message::message(id_type id, int64_t timestamp_ns, uint16_t attempts, std::string body,
                 std::shared_ptr<detail::message_responder> responder)
    : id_(id),
      timestamp_(timestamp_ns),
      attempts_(attempts),
      body_(std::move(body)),
      responder_(std::move(responder)) {}

const std::string& message::nsqd_address() const {
    static const std::string none;
    return responder_ ? responder_->address() : none;
}

void message::respond(int kind, duration delay) {
    auto k = static_cast<response_kind>(kind);
    if (k == response_kind::touch) {
        if (responded_) return;
    } else if (responded_.exchange(true)) {
        return;
    }
    if (responder_) responder_->respond(*this, k, delay);
}

void message::finish() { respond(static_cast<int>(response_kind::finish), duration{0}); }

void message::requeue(duration delay) { respond(static_cast<int>(response_kind::requeue), delay); }

void message::requeue_without_backoff(duration delay) {
    respond(static_cast<int>(response_kind::requeue_without_backoff), delay);
}

void message::touch() { respond(static_cast<int>(response_kind::touch), duration{0}); }

}  // namespace nsqpp::client
