#include "config/go_syntax.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace nsqpp::config {
namespace {

using namespace std::chrono_literals;

TEST(go_duration, parses_go_syntax) {
    EXPECT_EQ(parse_go_duration("0"), 0ns);
    EXPECT_EQ(parse_go_duration("-0"), 0ns);
    EXPECT_EQ(parse_go_duration("+0"), 0ns);
    EXPECT_EQ(parse_go_duration("250ms"), 250ms);
    EXPECT_EQ(parse_go_duration("1h30m"), 90min);
    EXPECT_EQ(parse_go_duration("1.5s"), 1500ms);
    EXPECT_EQ(parse_go_duration("-2s"), -2s);
    EXPECT_EQ(parse_go_duration("+2s"), 2s);
    EXPECT_EQ(parse_go_duration("60s"), 60s);
    EXPECT_EQ(parse_go_duration("1m0s"), 60s);
    EXPECT_EQ(parse_go_duration("2h45m0.5s"), 2h + 45min + 500ms);
    EXPECT_EQ(parse_go_duration("10ns"), 10ns);
    EXPECT_EQ(parse_go_duration("10us"), 10us);
    EXPECT_EQ(parse_go_duration("10\xC2\xB5s"), 10us);  // U+00B5
    EXPECT_EQ(parse_go_duration("10\xCE\xBCs"), 10us);  // U+03BC
    EXPECT_EQ(parse_go_duration(".5s"), 500ms);
    EXPECT_EQ(parse_go_duration("5.s"), 5s);
    EXPECT_EQ(parse_go_duration("1h1h"), 2h);
    EXPECT_EQ(parse_go_duration("0.000000001s"), 1ns);
    EXPECT_EQ(parse_go_duration("1.0000000001s"), 1s);  // precision below 1ns is dropped
    EXPECT_EQ(parse_go_duration("9223372036854775807ns"),
              nanoseconds(std::numeric_limits<int64_t>::max()));
    EXPECT_EQ(parse_go_duration("-9223372036854775808ns"),
              nanoseconds(std::numeric_limits<int64_t>::min()));
}

TEST(go_duration, rejects_invalid) {
    for (const char* bad : {"",
                            "-",
                            "+",
                            "1",
                            "12000",
                            "s",
                            ".s",
                            "-.s",
                            "1x",
                            "1.5",
                            "1s2",
                            "ms",
                            " 1s",
                            "1s ",
                            "1 s",
                            "1S",
                            "9223372036854775808ns",
                            "9999999999999999999h",
                            "3000000h",
                            "1e3s",
                            "--1s"}) {
        EXPECT_EQ(parse_go_duration(bad), std::nullopt) << bad;
    }
}

TEST(go_duration, formats_as_go) {
    EXPECT_EQ(format_go_duration(0ns), "0s");
    EXPECT_EQ(format_go_duration(1ns), "1ns");
    EXPECT_EQ(format_go_duration(1100ns), "1.1\xC2\xB5s");
    EXPECT_EQ(format_go_duration(1us), "1\xC2\xB5s");
    EXPECT_EQ(format_go_duration(2200us), "2.2ms");
    EXPECT_EQ(format_go_duration(250ms), "250ms");
    EXPECT_EQ(format_go_duration(25ms), "25ms");
    EXPECT_EQ(format_go_duration(1500ms), "1.5s");
    EXPECT_EQ(format_go_duration(2s), "2s");
    EXPECT_EQ(format_go_duration(30s), "30s");
    EXPECT_EQ(format_go_duration(60s), "1m0s");
    EXPECT_EQ(format_go_duration(15min), "15m0s");
    EXPECT_EQ(format_go_duration(1h), "1h0m0s");
    EXPECT_EQ(format_go_duration(-2s), "-2s");
    EXPECT_EQ(format_go_duration(-1ns), "-1ns");
    EXPECT_EQ(format_go_duration(2h + 45min + 500ms), "2h45m0.5s");
    EXPECT_EQ(format_go_duration(nanoseconds(std::numeric_limits<int64_t>::max())),
              "2562047h47m16.854775807s");
    EXPECT_EQ(format_go_duration(nanoseconds(std::numeric_limits<int64_t>::min())),
              "-2562047h47m16.854775808s");
}

TEST(go_duration, round_trips) {
    for (const char* text :
         {"1m0s", "15m0s", "1h0m0s", "250ms", "1.5s", "2h45m0.5s", "1\xC2\xB5s", "0s", "-2s", "1ns",
          "10m0s", "25ms", "1h30m0s", "-2562047h47m16.854775808s"}) {
        std::optional<nanoseconds> d = parse_go_duration(text);
        ASSERT_TRUE(d.has_value()) << text;
        EXPECT_EQ(format_go_duration(*d), text);
    }
}

TEST(go_int, accepts_go_literals) {
    EXPECT_EQ(parse_go_int("0"), 0);
    EXPECT_EQ(parse_go_int("123"), 123);
    EXPECT_EQ(parse_go_int("+123"), 123);
    EXPECT_EQ(parse_go_int("-123"), -123);
    EXPECT_EQ(parse_go_int("0x1F"), 31);
    EXPECT_EQ(parse_go_int("0X1f"), 31);
    EXPECT_EQ(parse_go_int("-0x10"), -16);
    EXPECT_EQ(parse_go_int("0o17"), 15);
    EXPECT_EQ(parse_go_int("0O17"), 15);
    EXPECT_EQ(parse_go_int("017"), 15);
    EXPECT_EQ(parse_go_int("0b101"), 5);
    EXPECT_EQ(parse_go_int("0B101"), 5);
    EXPECT_EQ(parse_go_int("1_000_000"), 1000000);
    EXPECT_EQ(parse_go_int("0x_ff"), 255);
    EXPECT_EQ(parse_go_int("0_7"), 7);
    EXPECT_EQ(parse_go_int("9223372036854775807"), std::numeric_limits<int64_t>::max());
    EXPECT_EQ(parse_go_int("-9223372036854775808"), std::numeric_limits<int64_t>::min());
    EXPECT_EQ(parse_go_int("-0x8000000000000000"), std::numeric_limits<int64_t>::min());
}

TEST(go_int, rejects_invalid) {
    for (const char* bad : {"", "+", "-", "abc", "12a", "1.5", " 1", "1 ", "08", "0x", "0b2", "0o8",
                            "_1", "1_", "1__0", "0x_", "--1", "1e3", "0xg"}) {
        EXPECT_EQ(parse_go_int(bad), std::nullopt) << bad;
    }
}

TEST(go_int, distinguishes_syntax_and_range) {
    EXPECT_EQ(parse_go_int_base("9223372036854775808", 0).error, int_error::range);
    EXPECT_EQ(parse_go_int_base("-9223372036854775809", 0).error, int_error::range);
    EXPECT_EQ(parse_go_int_base("99999999999999999999999", 0).error, int_error::range);
    EXPECT_EQ(parse_go_int_base("x", 0).error, int_error::syntax);
    // Base 10 (the config file's strings): no prefixes, no underscores.
    EXPECT_EQ(parse_go_int_base("0x10", 10).error, int_error::syntax);
    EXPECT_EQ(parse_go_int_base("1_000", 10).error, int_error::syntax);
    EXPECT_EQ(parse_go_int_base("010", 10).value, 10);
}

TEST(go_bool, accepts_exactly_go_forms) {
    for (const char* t : {"1", "t", "T", "true", "TRUE", "True"}) EXPECT_EQ(parse_go_bool(t), true);
    for (const char* f : {"0", "f", "F", "false", "FALSE", "False"}) {
        EXPECT_EQ(parse_go_bool(f), false);
    }
    for (const char* bad : {"", "yes", "no", "tRUE", "2", "on", " true"}) {
        EXPECT_EQ(parse_go_bool(bad), std::nullopt) << bad;
    }
}

TEST(go_float, parses_go_forms) {
    EXPECT_EQ(parse_go_float("0.99"), 0.99);
    EXPECT_EQ(parse_go_float("1"), 1.0);
    EXPECT_EQ(parse_go_float("1."), 1.0);
    EXPECT_EQ(parse_go_float(".5"), 0.5);
    EXPECT_EQ(parse_go_float("+0.5"), 0.5);
    EXPECT_EQ(parse_go_float("-2.5e-1"), -0.25);
    EXPECT_EQ(parse_go_float("0x1p-2"), 0.25);
    EXPECT_EQ(parse_go_float("1e-400"), 0.0);  // underflow is not an error in Go
    EXPECT_TRUE(std::isinf(*parse_go_float("Inf")));
    EXPECT_TRUE(std::isinf(*parse_go_float("-infinity")));
    EXPECT_TRUE(std::isnan(*parse_go_float("NaN")));
    for (const char* bad :
         {"", "x", " 0.5", "0.5 ", "1e400", "0x1.8", "-nan", "nan(1)", "1,2", "."}) {
        EXPECT_EQ(parse_go_float(bad), std::nullopt) << bad;
    }
}

TEST(go_quote, escapes_like_strconv_quote) {
    EXPECT_EQ(go_quote("abc"), "\"abc\"");
    EXPECT_EQ(go_quote(""), "\"\"");
    EXPECT_EQ(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(go_quote("a\nb\tc"), "\"a\\nb\\tc\"");
    EXPECT_EQ(go_quote(std::string_view("\x01\x7f", 2)), "\"\\x01\\x7f\"");
    EXPECT_EQ(go_quote("\xC2\xB5s"), "\"\xC2\xB5s\"");
}

}  // namespace
}  // namespace nsqpp::config
