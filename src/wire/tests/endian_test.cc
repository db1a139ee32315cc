#include "wire/endian.h"

#include <gtest/gtest.h>

#include <string>

namespace nsqpp::wire {
namespace {

TEST(endian, put_and_get_u16) {
    char b[2];
    put_u16be(b, 0xABCD);
    EXPECT_EQ(std::string(b, 2), "\xAB\xCD");
    EXPECT_EQ(get_u16be(b), 0xABCD);
}

TEST(endian, put_and_get_u32) {
    char b[4];
    put_u32be(b, 0x01020304);
    EXPECT_EQ(std::string(b, 4), std::string("\x01\x02\x03\x04", 4));
    EXPECT_EQ(get_u32be(b), 0x01020304u);
    put_u32be(b, 0xFFFFFFFE);
    EXPECT_EQ(get_u32be(b), 0xFFFFFFFEu);
    EXPECT_EQ(get_i32be(b), -2);
}

TEST(endian, put_and_get_u64) {
    char b[8];
    put_u64be(b, 0x0102030405060708ull);
    EXPECT_EQ(std::string(b, 8), std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
    EXPECT_EQ(get_u64be(b), 0x0102030405060708ull);
    put_u64be(b, 0xFFFFFFFFFFFFFFFFull);
    EXPECT_EQ(get_u64be(b), 0xFFFFFFFFFFFFFFFFull);
}

}  // namespace
}  // namespace nsqpp::wire
