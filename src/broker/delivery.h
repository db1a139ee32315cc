#pragma once
#include <chrono>
#include <cstdint>

#include "broker/message.h"

namespace nsqpp::broker {

using steady_time = std::chrono::steady_clock::time_point;
using std::chrono::nanoseconds;

// A channel's copy of a message: the shared message plus this channel's attempt count.
struct queued_message {
    message_ptr msg;
    uint16_t attempts = 0;
};

// What channel::take hands to a consumer: the message and the attempts of this delivery.
using delivery = queued_message;

}  // namespace nsqpp::broker
