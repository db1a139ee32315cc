#include "wire/quote.h"

#include <gtest/gtest.h>

#include <string>

namespace nsqpp::wire {
namespace {

using namespace std::string_literals;

TEST(go_quote, plain_ascii) {
    EXPECT_EQ(go_quote(""), R"("")");
    EXPECT_EQ(go_quote("bad!topic"), R"("bad!topic")");
    EXPECT_EQ(go_quote("a b~"), R"("a b~")");
}

TEST(go_quote, escapes) {
    EXPECT_EQ(go_quote("a\nb"), R"("a\nb")");
    EXPECT_EQ(go_quote("\"\\"), R"("\"\\")");
    EXPECT_EQ(go_quote("\a\b\f\n\r\t\v"), R"("\a\b\f\n\r\t\v")");
    EXPECT_EQ(go_quote("'"), R"("'")");
}

TEST(go_quote, control_bytes_as_hex) {
    EXPECT_EQ(go_quote("\x00"s), R"("\x00")");
    EXPECT_EQ(go_quote("\x01\x1f\x7f"), R"("\x01\x1f\x7f")");
    EXPECT_EQ(go_quote("\x1b[0m"), R"("\x1b[0m")");
}

TEST(go_quote, every_ascii_byte) {
    for (int c = 0; c < 0x80; ++c) {
        const std::string q = go_quote(std::string(1, static_cast<char>(c)));
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            EXPECT_EQ(q, "\"" + std::string(1, static_cast<char>(c)) + "\"") << c;
        } else {
            EXPECT_EQ(q[1], '\\') << c;
        }
    }
}

TEST(go_quote, printable_utf8_kept) {
    EXPECT_EQ(go_quote("héllo"), "\"héllo\"");
    EXPECT_EQ(go_quote("日本語"), "\"日本語\"");
    EXPECT_EQ(go_quote("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");  // U+1F600
    EXPECT_EQ(go_quote("\xEF\xBF\xBD"), "\"\xEF\xBF\xBD\"");          // U+FFFD itself
}

TEST(go_quote, invalid_utf8_bytes_as_hex) {
    EXPECT_EQ(go_quote("\xff"), R"("\xff")");
    EXPECT_EQ(go_quote("a\xc3"), R"("a\xc3")");                // truncated
    EXPECT_EQ(go_quote("\xc0\xaf"), R"("\xc0\xaf")");          // overlong
    EXPECT_EQ(go_quote("\xed\xa0\x80"), R"("\xed\xa0\x80")");  // surrogate
    EXPECT_EQ(go_quote("\xe6\x97"), R"("\xe6\x97")");
}

TEST(go_quote, non_printable_runes) {
    EXPECT_EQ(go_quote("\xC2\xA0"), R"("\u00a0")");  // no-break space
    EXPECT_EQ(go_quote("\xC2\x85"), R"("\u0085")");  // C1 control
    EXPECT_EQ(go_quote("\xC2\xAD"), R"("\u00ad")");  // soft hyphen (Cf)
    EXPECT_EQ(go_quote("\xE2\x80\xA8"), R"("\u2028")");
    EXPECT_EQ(go_quote("\xEF\xBB\xBF"), R"("\ufeff")");
    EXPECT_EQ(go_quote("\xF3\xA0\x80\x81"), R"("\U000e0001")");  // language tag
    EXPECT_EQ(go_quote("\xF4\x8F\xBF\xBF"), R"("\U0010ffff")");
}

}  // namespace
}  // namespace nsqpp::wire
