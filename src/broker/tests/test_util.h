#pragma once
// Helpers shared by the broker unit tests: fixed times, messages with known IDs, a fake consumer.
#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "broker/channel.h"
#include "broker/consumer.h"
#include "broker/delivery.h"
#include "broker/message.h"
#include "broker/topic.h"
#include "wire/message_id.h"

namespace nsqpp::broker {

// Readable gtest output for the broker's result enums.
inline void PrintTo(publish_error e, std::ostream* os) {
    const char* names[] = {"none", "exiting", "full"};
    *os << "publish_error::" << names[static_cast<int>(e)];
}
inline void PrintTo(ack_error e, std::ostream* os) {
    const char* names[] = {"none", "not_in_flight", "not_owner", "exiting"};
    *os << "ack_error::" << names[static_cast<int>(e)];
}
inline void PrintTo(subscribe_error e, std::ostream* os) {
    const char* names[] = {"none", "exiting", "too_many"};
    *os << "subscribe_error::" << names[static_cast<int>(e)];
}

}  // namespace nsqpp::broker

namespace nsqpp::broker::test {

using namespace std::chrono_literals;

// A fixed, arbitrary point on the steady clock; tests add durations to it.
inline const steady_time t0 = steady_time{} + std::chrono::hours(1000);

inline message_id mid(uint64_t n) { return n; }

inline std::string id_str(message_id id) {
    auto hex = wire::format_message_id(id);
    return std::string(wire::to_string_view(hex));
}

// A message as a topic would have published it: ID n, timestamp 1000 + n.
inline message_ptr make_msg(uint64_t n, std::string_view body = "body") {
    auto m = message::create(body);
    m->assign(mid(n), static_cast<int64_t>(1000 + n));
    return m;
}

inline std::vector<topic_entry> entries(std::initializer_list<uint64_t> ids,
                                        nanoseconds defer = nanoseconds{0}) {
    std::vector<topic_entry> out;
    for (uint64_t n : ids) out.push_back({make_msg(n, "m" + std::to_string(n)), defer});
    return out;
}

// Counts what the channel asks of it.
class fake_consumer : public consumer {
  public:
    void wake() override { ++wakes; }
    void close_from_channel() override { ++closes; }
    int wakes = 0;
    int closes = 0;
};

// The IDs of a batch of deliveries, as decimal numbers (IDs made by mid(n)).
inline std::vector<uint64_t> ids_of(const std::vector<delivery>& ds) {
    std::vector<uint64_t> out;
    for (const auto& d : ds) out.push_back(d.msg->id());
    return out;
}

inline std::vector<uint16_t> attempts_of(const std::vector<delivery>& ds) {
    std::vector<uint16_t> out;
    for (const auto& d : ds) out.push_back(d.attempts);
    return out;
}

}  // namespace nsqpp::broker::test
