#pragma once
// Consumer handlers: return success → FIN (auto mode), an error → REQ with the automatic delay
// and a backoff signal. Messages delivered more than config::max_attempts times are not passed
// to handle_message: log_failed_message is called and the message is FINished (go-nsq).
#include <functional>

#include "nsqpp/error.h"
#include "nsqpp/message.h"

namespace nsqpp::client {

class handler {
  public:
    virtual ~handler() = default;
    // Runs on one of the consumer's handler threads. Must not throw (an exception is treated
    // as an error return with its what() text).
    virtual error handle_message(message& msg) = 0;
    // go-nsq's optional FailedMessageLogger hook.
    virtual void log_failed_message(message& msg) {}
};

using handler_function = std::function<error(message& msg)>;

}  // namespace nsqpp::client
