#include <gtest/gtest.h>

#include "wire/stream_codec.h"
#include "wire/tests/stream_test_util.h"

namespace nsqpp::wire {
namespace {

TEST(crc32c, known_vectors) {
    EXPECT_EQ(crc32c("123456789"), 0xe3069283u);
    EXPECT_EQ(crc32c(""), 0u);
    EXPECT_EQ(crc32c(std::string(32, '\0')), 0x8a9136aau);  // RFC 3720 B.4
}

TEST(crc32c, continues_a_previous_result) {
    const std::string data = testing::random_bytes(1000, 1);
    for (size_t split : {0, 1, 7, 8, 9, 500, 999, 1000}) {
        const std::string_view a = std::string_view(data).substr(0, split);
        const std::string_view b = std::string_view(data).substr(split);
        EXPECT_EQ(crc32c(b, crc32c(a)), crc32c(data)) << split;
    }
}

// Bit by bit, straight from the definition.
uint32_t crc32c_reference(std::string_view data) {
    uint32_t c = ~0u;
    for (const char ch : data) {
        c ^= static_cast<unsigned char>(ch);
        for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
    }
    return ~c;
}

TEST(crc32c, both_implementations_match_the_definition) {
    EXPECT_EQ(crc32c_portable("123456789"), 0xe3069283u);
    for (uint32_t n = 0; n < 300; n += 1 + n / 16) {
        const std::string data = testing::random_bytes(n, n);
        const uint32_t expected = crc32c_reference(data);
        EXPECT_EQ(crc32c(data), expected) << n;
        EXPECT_EQ(crc32c_portable(data), expected) << n;
        // Unaligned starts.
        if (n > 3) {
            EXPECT_EQ(crc32c(std::string_view(data).substr(3)), crc32c_reference(data.substr(3)));
            EXPECT_EQ(crc32c_portable(std::string_view(data).substr(3), 0),
                      crc32c_reference(data.substr(3)));
        }
    }
    EXPECT_EQ(crc32c_portable("6789", crc32c_portable("12345")), 0xe3069283u);
}

TEST(crc32c, snappy_mask) {
    // Values computed with an independent bitwise implementation.
    EXPECT_EQ(snappy_masked_crc32c(""), 0xa282ead8u);
    EXPECT_EQ(snappy_masked_crc32c("hello"), 0x191c1fbbu);
    EXPECT_EQ(snappy_masked_crc32c(std::string_view("\0\0\0\x06\0\0\0\0OK", 10)), 0xcf2b9826u);
}

}  // namespace
}  // namespace nsqpp::wire
