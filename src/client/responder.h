#pragma once
// The link from a message back to the connection that delivered it (internal).
#include <string>

#include "nsqpp/message.h"

namespace nsqpp::client::detail {

enum class response_kind { finish, requeue, requeue_without_backoff, touch };

class message_responder {
  public:
    virtual ~message_responder() = default;
    // Any thread. `delay` is as given by the caller (-1 = automatic) for requeues.
    virtual void respond(const message& m, response_kind kind, duration delay) = 0;
    virtual const std::string& address() const = 0;
};

}  // namespace nsqpp::client::detail
