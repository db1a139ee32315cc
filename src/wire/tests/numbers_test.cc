#include "wire/numbers.h"

#include <gtest/gtest.h>

#include <limits>

namespace nsqpp::wire {
namespace {

TEST(parse_decimal_digits, digits_only) {
    EXPECT_EQ(parse_decimal_digits("0"), 0u);
    EXPECT_EQ(parse_decimal_digits("2500"), 2500u);
    EXPECT_EQ(parse_decimal_digits("007"), 7u);
    EXPECT_EQ(parse_decimal_digits("18446744073709551615"), std::numeric_limits<uint64_t>::max());
}

TEST(parse_decimal_digits, empty_is_zero) { EXPECT_EQ(parse_decimal_digits(""), 0u); }

TEST(parse_decimal_digits, rejects) {
    for (const char* bad : {"-1", "+1", " 1", "1 ", "1.0", "0x10", "a", "1e3"}) {
        EXPECT_FALSE(parse_decimal_digits(bad)) << bad;
    }
    EXPECT_FALSE(parse_decimal_digits("18446744073709551616"));
    EXPECT_FALSE(parse_decimal_digits("99999999999999999999"));
}

TEST(parse_decimal_digits_wrapping, wraps_like_nsq) {
    EXPECT_EQ(parse_decimal_digits_wrapping(""), 0u);
    EXPECT_EQ(parse_decimal_digits_wrapping("42"), 42u);
    EXPECT_EQ(parse_decimal_digits_wrapping("18446744073709551616"), 0u);
    EXPECT_EQ(parse_decimal_digits_wrapping("99999999999999999999"), 7766279631452241919u);
    EXPECT_FALSE(parse_decimal_digits_wrapping("-1"));
    EXPECT_FALSE(parse_decimal_digits_wrapping("1 "));
}

TEST(parse_go_int64, accepts) {
    EXPECT_EQ(parse_go_int64("0"), 0);
    EXPECT_EQ(parse_go_int64("-0"), 0);
    EXPECT_EQ(parse_go_int64("+15"), 15);
    EXPECT_EQ(parse_go_int64("-15"), -15);
    EXPECT_EQ(parse_go_int64("0010"), 10);
    EXPECT_EQ(parse_go_int64("9223372036854775807"), std::numeric_limits<int64_t>::max());
    EXPECT_EQ(parse_go_int64("-9223372036854775808"), std::numeric_limits<int64_t>::min());
}

TEST(parse_go_int64, rejects) {
    for (const char* bad :
         {"", "+", "-", " 1", "1 ", "1_000", "1.5", "1e3", "--1", "+-1", "0x1",
          "9223372036854775808", "-9223372036854775809", "99999999999999999999999"}) {
        EXPECT_FALSE(parse_go_int64(bad)) << bad;
    }
}

}  // namespace
}  // namespace nsqpp::wire
