#include "wire/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace nsqpp::wire {
namespace {

TEST(utf8, decode_valid) {
    EXPECT_EQ(decode_rune("a").rune, U'a');
    EXPECT_EQ(decode_rune("\xC3\xA9").rune, U'\u00e9');
    EXPECT_EQ(decode_rune("\xC3\xA9").width, 2u);
    EXPECT_EQ(decode_rune("\xE2\x82\xAC").rune, U'\u20ac');
    EXPECT_EQ(decode_rune("\xF0\x9F\x98\x80").rune, U'\U0001f600');
    EXPECT_EQ(decode_rune("\xF0\x9F\x98\x80").width, 4u);
}

TEST(utf8, decode_invalid_is_one_byte_error) {
    for (std::string bad : {"\x80", "\xC1\xBF", "\xE0\x80\x80", "\xED\xA0\x80", "\xF0\x80\x80\x80",
                            "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xC3", "\xE2\x82", "\xFF"}) {
        const decoded_rune d = decode_rune(bad);
        EXPECT_EQ(d.rune, rune_error) << bad;
        EXPECT_EQ(d.width, 1u) << bad;
    }
    EXPECT_EQ(decode_rune("").width, 0u);
}

TEST(utf8, append_rune_round_trips) {
    for (char32_t r :
         {U'\0', U'a', U'\u00e9', U'\u0800', U'\uffff', U'\U00010000', U'\U0010ffff'}) {
        std::string s;
        append_rune(s, r);
        const decoded_rune d = decode_rune(s);
        EXPECT_EQ(d.rune, r);
        EXPECT_EQ(d.width, s.size());
    }
    std::string s;
    append_rune(s, 0xD800);
    append_rune(s, 0x110000);
    EXPECT_EQ(s, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(utf8, replace_invalid_per_byte) {
    EXPECT_EQ(replace_invalid_utf8("ok\xC3\xA9"), "ok\xC3\xA9");
    EXPECT_EQ(replace_invalid_utf8("a\xFF\xFE"), "a\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(replace_invalid_utf8("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(utf8, printable) {
    EXPECT_TRUE(is_printable_rune(U' '));
    EXPECT_TRUE(is_printable_rune(U'~'));
    EXPECT_FALSE(is_printable_rune(U'\x7f'));
    EXPECT_FALSE(is_printable_rune(U'\t'));
    EXPECT_FALSE(is_printable_rune(U'\u00a0'));
    EXPECT_TRUE(is_printable_rune(U'\u00a1'));
    EXPECT_TRUE(is_printable_rune(U'\u4e00'));
    EXPECT_FALSE(is_printable_rune(U'\u3000'));  // ideographic space (Zs)
    EXPECT_FALSE(is_printable_rune(0xD800));
    EXPECT_FALSE(is_printable_rune(0xE000));  // private use
    EXPECT_TRUE(is_printable_rune(U'\U0001f600'));
    EXPECT_FALSE(is_printable_rune(0x10FFFF));
    EXPECT_FALSE(is_printable_rune(0x110000));
}

}  // namespace
}  // namespace nsqpp::wire
