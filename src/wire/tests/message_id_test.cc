#include "wire/message_id.h"

#include <gtest/gtest.h>

namespace nsqpp::wire {
namespace {

TEST(message_id, format) {
    EXPECT_EQ(to_string_view(format_message_id(0)), "0000000000000000");
    EXPECT_EQ(to_string_view(format_message_id(0x18a7c835c1805000ull)), "18a7c835c1805000");
    EXPECT_EQ(to_string_view(format_message_id(0xFFFFFFFFFFFFFFFFull)), "ffffffffffffffff");
    EXPECT_EQ(to_string_view(format_message_id(0xABC)), "0000000000000abc");
}

TEST(message_id, parse_round_trip) {
    for (uint64_t v : {0ull, 1ull, 0x18a7c835c1805000ull, 0xFFFFFFFFFFFFFFFFull}) {
        EXPECT_EQ(parse_message_id(to_string_view(format_message_id(v))), v);
    }
    EXPECT_EQ(parse_message_id("18A7C835C1805000"), 0x18a7c835c1805000ull);
    EXPECT_FALSE(parse_message_id("18a7c835c180500"));
    EXPECT_FALSE(parse_message_id("18a7c835c18050000"));
    EXPECT_FALSE(parse_message_id("18a7c835c180500g"));
    EXPECT_FALSE(parse_message_id(""));
}

}  // namespace
}  // namespace nsqpp::wire
