// Snappy framing format: round trips, incremental input, bounded reads, hand-built frames.
#include <gtest/gtest.h>
#include <snappy.h>

#include <cstring>
#include <random>

#include "wire/stream_codec.h"
#include "wire/tests/alloc_counter.h"
#include "wire/tests/stream_test_util.h"

namespace nsqpp::wire {
namespace {

using testing::compressible_bytes;
using testing::drain;
using testing::encode_all;
using testing::random_bytes;

const std::string identifier("\xff\x06\x00\x00sNaPpY", 10);

std::string le24(size_t v) {
    return {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff),
            static_cast<char>((v >> 16) & 0xff)};
}

std::string le32(uint32_t v) { return le24(v) + static_cast<char>(v >> 24); }

// A chunk: type, 3-byte little-endian length, body.
std::string chunk(unsigned char type, std::string_view body) {
    return static_cast<char>(type) + le24(body.size()) + std::string(body);
}

std::string data_chunk(unsigned char type, std::string_view payload, std::string_view plain) {
    return chunk(type, le32(snappy_masked_crc32c(plain)) + std::string(payload));
}

std::string uncompressed_chunk(std::string_view plain) { return data_chunk(0x01, plain, plain); }

std::string compressed_chunk(std::string_view plain) {
    std::string c;
    snappy::Compress(plain.data(), plain.size(), &c);
    return data_chunk(0x00, c, plain);
}

std::string decode_whole(std::string_view stream, size_t cap = 4096) {
    auto d = make_snappy_decoder();
    d->append_input(stream);
    std::string out = drain(*d, cap);
    EXPECT_FALSE(d->failed()) << d->error();
    return out;
}

// Decodes `stream`, expecting failure with `error`.
void expect_failure(std::string_view stream, const std::string& error) {
    auto d = make_snappy_decoder();
    d->append_input(stream);
    drain(*d);
    EXPECT_TRUE(d->failed());
    EXPECT_EQ(d->error(), error);
    d->append_input(uncompressed_chunk("more"));
    char c;
    EXPECT_EQ(d->read(&c, 1), 0u);
    EXPECT_TRUE(d->failed());
}

// Walks the chunks of an encoder's output and checks the format's rules.
void check_structure(std::string_view s, std::string_view plain) {
    ASSERT_EQ(s.substr(0, identifier.size()), identifier);
    s.remove_prefix(identifier.size());
    size_t total = 0;
    while (!s.empty()) {
        ASSERT_GE(s.size(), 8u);
        const auto type = static_cast<unsigned char>(s[0]);
        const size_t len = static_cast<unsigned char>(s[1]) |
                           size_t{static_cast<unsigned char>(s[2])} << 8 |
                           size_t{static_cast<unsigned char>(s[3])} << 16;
        ASSERT_TRUE(type == 0x00 || type == 0x01) << int{type};
        ASSERT_GE(s.size(), 4 + len);
        const std::string_view payload = s.substr(8, len - 4);
        std::string block(payload);
        if (type == 0x00) {
            ASSERT_TRUE(snappy::Uncompress(payload.data(), payload.size(), &block));
            EXPECT_LT(payload.size(), block.size() - block.size() / 8);
        }
        EXPECT_LE(block.size(), 65536u);
        EXPECT_EQ(s.substr(4, 4), le32(snappy_masked_crc32c(block)));
        EXPECT_EQ(block, plain.substr(total, block.size()));
        total += block.size();
        s.remove_prefix(4 + len);
    }
    EXPECT_EQ(total, plain.size());
}

TEST(snappy_stream, round_trips) {
    for (const size_t n :
         {size_t{0}, size_t{1}, size_t{65535}, size_t{65536}, size_t{65537}, size_t{1} << 20}) {
        for (const std::string& plain : {random_bytes(n, 7), compressible_bytes(n, 7)}) {
            auto e = make_snappy_encoder();
            const std::string encoded = encode_all(*e, plain);
            if (n == 0) {
                EXPECT_TRUE(encoded.empty());
                continue;
            }
            check_structure(encoded, plain);
            EXPECT_EQ(decode_whole(encoded), plain) << n;
            EXPECT_EQ(decode_whole(encoded, 65536 * 3), plain) << n;
        }
    }
    // Compressible data is sent compressed, random data uncompressed.
    auto e = make_snappy_encoder();
    EXPECT_LT(encode_all(*e, compressible_bytes(1 << 20, 1)).size(), size_t{1} << 19);
}

TEST(snappy_stream, identifier_once_and_empty_writes_nothing) {
    auto e = make_snappy_encoder();
    std::string out;
    e->encode("", out);
    EXPECT_TRUE(out.empty());
    e->encode("a", out);
    EXPECT_EQ(out, identifier + uncompressed_chunk("a"));
    const size_t len = out.size();
    e->encode("", out);
    EXPECT_EQ(out.size(), len);
    e->encode("b", out);
    EXPECT_EQ(out.substr(len), uncompressed_chunk("b"));
}

TEST(snappy_stream, ok_frame_matches_nsqd) {
    // nsqd's first bytes after upgrading (spec nsqd.md §3.1): identifier, then the 10-byte
    // OK response frame in an uncompressed chunk with its masked CRC.
    const std::string ok("\0\0\0\x06\0\0\0\0OK", 10);
    auto e = make_snappy_encoder();
    EXPECT_EQ(encode_all(*e, ok),
              identifier + std::string("\x01\x0e\x00\x00\x26\x98\x2b\xcf", 8) + ok);
}

TEST(snappy_stream, every_call_is_decodable_at_once) {
    auto e = make_snappy_encoder();
    auto d = make_snappy_decoder();
    for (uint32_t i = 0; i < 20; ++i) {
        const std::string msg = i % 2 ? random_bytes(i * 997, i) : compressible_bytes(i * 5003, i);
        std::string out;
        e->encode(msg, out);
        d->append_input(out);
        EXPECT_EQ(drain(*d), msg) << i;
    }
}

std::string small_stream(std::string& plain) {
    auto e = make_snappy_encoder();
    std::string out;
    for (const std::string& part : {std::string("hello"), compressible_bytes(300, 3),
                                    random_bytes(100, 3), std::string("x")}) {
        e->encode(part, out);
        plain += part;
    }
    return out;
}

TEST(snappy_stream, input_split_at_every_byte) {
    std::string plain;
    const std::string stream = small_stream(plain);
    for (size_t i = 0; i <= stream.size(); ++i) {
        auto d = make_snappy_decoder();
        d->append_input(std::string_view(stream).substr(0, i));
        std::string out = drain(*d);
        d->append_input(std::string_view(stream).substr(i));
        out += drain(*d);
        ASSERT_EQ(out, plain) << i;
        ASSERT_FALSE(d->failed());
    }
    auto d = make_snappy_decoder();
    std::string out;
    for (char c : stream) {
        d->append_input(std::string_view(&c, 1));
        out += drain(*d, 7);
    }
    EXPECT_EQ(out, plain);
}

TEST(snappy_stream, cap_one_reads) {
    const std::string plain = compressible_bytes(70000, 4);
    auto e = make_snappy_encoder();
    auto d = make_snappy_decoder();
    d->append_input(encode_all(*e, plain));
    std::string out;
    char c;
    while (d->read(&c, 1) == 1) out += c;
    EXPECT_EQ(out, plain);
    EXPECT_EQ(d->read(&c, 0), 0u);
}

TEST(snappy_stream, golden_uncompressed_and_compressed_chunks) {
    EXPECT_EQ(identifier + std::string("\x01\x09\x00\x00\xbb\x1f\x1c\x19hello", 13),
              identifier + uncompressed_chunk("hello"));
    EXPECT_EQ(decode_whole(identifier + std::string("\x01\x09\x00\x00\xbb\x1f\x1c\x19hello", 13)),
              "hello");
    const std::string text(200, 'z');
    EXPECT_EQ(decode_whole(identifier + compressed_chunk(text) + uncompressed_chunk("!")),
              text + "!");
    EXPECT_EQ(decode_whole(identifier + uncompressed_chunk("")), "");
    EXPECT_EQ(decode_whole(""), "");
    EXPECT_EQ(decode_whole(identifier), "");
    // A repeated identifier is allowed anywhere (golang/snappy).
    EXPECT_EQ(
        decode_whole(identifier + uncompressed_chunk("a") + identifier + uncompressed_chunk("b")),
        "ab");
    // Largest chunks: 65536 bytes uncompressed, and compressed.
    const std::string big = random_bytes(65536, 5);
    EXPECT_EQ(decode_whole(identifier + uncompressed_chunk(big)), big);
    EXPECT_EQ(decode_whole(identifier + compressed_chunk(std::string(65536, 'q'))),
              std::string(65536, 'q'));
}

TEST(snappy_stream, padding_and_skippable_chunks_are_skipped) {
    const std::string stream = identifier + chunk(0xfe, std::string(3, '\0')) +
                               uncompressed_chunk("a") + chunk(0x80, "xy") + chunk(0xfd, "") +
                               chunk(0xfe, std::string(70000, '\0')) + uncompressed_chunk("b");
    EXPECT_EQ(decode_whole(stream), "ab");
    // Fed in small pieces, a long skippable chunk is skipped without being buffered whole.
    auto d = make_snappy_decoder();
    std::string out;
    for (size_t i = 0; i < stream.size(); i += 1000) {
        d->append_input(std::string_view(stream).substr(i, 1000));
        out += drain(*d);
    }
    EXPECT_EQ(out, "ab");
    EXPECT_FALSE(d->failed());
}

TEST(snappy_stream, bad_frames_fail) {
    const std::string corrupt = "snappy: corrupt input";
    const std::string unsupported = "snappy: unsupported input";
    // Wrong or missing identifier.
    expect_failure(uncompressed_chunk("a"), corrupt);
    expect_failure(std::string("\xff\x06\x00\x00sNaPpZ", 10), corrupt);
    expect_failure(std::string("\xff\x05\x00\x00sNaPp", 9), corrupt);
    expect_failure(std::string("\xff\x07\x00", 3) + std::string("\x00", 1), corrupt);
    expect_failure(std::string("\xfe\x00\x00\x00", 4), corrupt);
    // Reserved unskippable chunk types.
    expect_failure(identifier + chunk(0x02, "abcd"), unsupported);
    expect_failure(identifier + chunk(0x7f, ""), unsupported);
    // Checksum mismatch.
    std::string bad_crc = identifier + uncompressed_chunk("hello");
    bad_crc[identifier.size() + 4] ^= 1;
    expect_failure(bad_crc, corrupt);
    std::string bad_crc2 = identifier + compressed_chunk(std::string(100, 'a'));
    bad_crc2[identifier.size() + 5] ^= 1;
    expect_failure(bad_crc2, corrupt);
    // Corrupt snappy data, and a chunk that decodes to more than 65536 bytes.
    expect_failure(identifier + data_chunk(0x00, "\x05\xff\xff", "abcde"), corrupt);
    expect_failure(identifier + compressed_chunk(std::string(65537, 'q')), corrupt);
    expect_failure(identifier + uncompressed_chunk(std::string(65537, 'q')), corrupt);
    // Data chunks shorter than their checksum; chunks longer than golang/snappy accepts.
    expect_failure(identifier + chunk(0x00, "abc"), corrupt);
    expect_failure(identifier + chunk(0x01, ""), corrupt);
    expect_failure(identifier + chunk(0xfe, std::string(76495, '\0')), unsupported);
    EXPECT_EQ(decode_whole(identifier + chunk(0xfe, std::string(76494, '\0'))), "");
}

TEST(snappy_stream, data_before_a_failure_is_delivered) {
    std::string stream = identifier + uncompressed_chunk("good") + chunk(0x02, "");
    auto d = make_snappy_decoder();
    d->append_input(stream);
    EXPECT_EQ(drain(*d), "good");
    EXPECT_TRUE(d->failed());
}

TEST(snappy_stream, garbage_fails_without_crashing) {
    std::mt19937 rng(42);
    for (uint32_t seed = 0; seed < 2000; ++seed) {
        std::string input = random_bytes(rng() % 300, seed);
        if (seed % 2) input = identifier + input;  // get past the identifier check
        auto d = make_snappy_decoder();
        std::string buf(64, '\0');
        size_t pos = 0;
        while (pos < input.size()) {
            const size_t step = 1 + rng() % 50;
            d->append_input(std::string_view(input).substr(pos, step));
            pos += step;
            const size_t cap = 1 + rng() % 64;
            while (const size_t n = d->read(buf.data(), cap)) ASSERT_LE(n, cap);
        }
        EXPECT_EQ(d->failed(), !d->error().empty());
    }
}

TEST(snappy_stream, reads_allocate_nothing) {
    // 32 MiB of zeros: 512 chunks; reads hand them out from one preallocated 64 KiB block.
    auto e = make_snappy_encoder();
    const std::string block(65536, '\0');
    std::string stream;
    for (int i = 0; i < 512; ++i) e->encode(block, stream);
    auto d = make_snappy_decoder();
    d->append_input(stream);
    std::string buf(4096, '\1');
    size_t total = 0;
    testing::alloc_scope allocs;
    while (const size_t n = d->read(buf.data(), buf.size())) {
        ASSERT_LE(n, buf.size());
        ASSERT_EQ(std::memcmp(buf.data(), block.data(), n), 0);
        total += n;
    }
    EXPECT_EQ(total, size_t{32} << 20);
    if (testing::alloc_scope::available()) EXPECT_EQ(allocs.bytes(), 0u);
    EXPECT_FALSE(d->failed());
}

}  // namespace
}  // namespace nsqpp::wire
