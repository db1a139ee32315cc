// Raw deflate streams: round trips, interop with zlib both ways, bounded reads of a bomb.
#include <gtest/gtest.h>
#include <zlib.h>

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

const std::string sync_marker("\x00\x00\xff\xff", 4);

// zlib raw deflate (the peer's side), written independently of deflate_stream.cc.
class zlib_deflater {
  public:
    explicit zlib_deflater(int level) {
        EXPECT_EQ(deflateInit2(&z_, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
    }
    ~zlib_deflater() { deflateEnd(&z_); }
    std::string write(std::string_view in, int flush) {
        std::string out;
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        z_.avail_in = static_cast<uInt>(in.size());
        char buf[16384];
        do {
            z_.next_out = reinterpret_cast<Bytef*>(buf);
            z_.avail_out = sizeof buf;
            deflate(&z_, flush);
            out.append(buf, sizeof buf - z_.avail_out);
        } while (z_.avail_out == 0 || z_.avail_in != 0);
        return out;
    }

  private:
    z_stream z_{};
};

class zlib_inflater {
  public:
    zlib_inflater() { EXPECT_EQ(inflateInit2(&z_, -15), Z_OK); }
    ~zlib_inflater() { inflateEnd(&z_); }
    // Inflates `in` completely; returns the output, empty + ok_ = false on error.
    std::string write(std::string_view in) {
        std::string out;
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        z_.avail_in = static_cast<uInt>(in.size());
        char buf[16384];
        do {
            z_.next_out = reinterpret_cast<Bytef*>(buf);
            z_.avail_out = sizeof buf;
            const int rc = inflate(&z_, Z_SYNC_FLUSH);
            if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END) ok_ = false;
            out.append(buf, sizeof buf - z_.avail_out);
        } while (ok_ && z_.avail_out == 0);
        return out;
    }
    bool ok() const { return ok_ && z_.avail_in == 0; }

  private:
    z_stream z_{};
    bool ok_ = true;
};

std::string decode_whole(std::string_view stream, size_t cap = 4096) {
    auto d = make_deflate_decoder();
    d->append_input(stream);
    std::string out = drain(*d, cap);
    EXPECT_FALSE(d->failed()) << d->error();
    return out;
}

TEST(deflate_stream, round_trips) {
    for (const int level : {1, 6, 9}) {
        for (const size_t n :
             {size_t{0}, size_t{1}, size_t{65536}, size_t{65537}, size_t{1} << 20}) {
            for (const std::string& plain : {random_bytes(n, 9), compressible_bytes(n, 9)}) {
                auto e = make_deflate_encoder(level);
                const std::string encoded = encode_all(*e, plain);
                if (n == 0) {
                    EXPECT_TRUE(encoded.empty());
                    continue;
                }
                EXPECT_EQ(encoded.substr(encoded.size() - 4), sync_marker);
                EXPECT_EQ(decode_whole(encoded), plain) << level << " " << n;
                EXPECT_EQ(decode_whole(encoded, 1 << 20), plain) << level << " " << n;
            }
        }
    }
    auto e = make_deflate_encoder(6);
    EXPECT_LT(encode_all(*e, compressible_bytes(1 << 20, 1)).size(), size_t{1} << 19);
}

TEST(deflate_stream, levels_are_clamped) {
    for (const int level : {-5, 0, 10, 100}) {
        auto e = make_deflate_encoder(level);
        EXPECT_EQ(decode_whole(encode_all(*e, "hello hello")), "hello hello");
    }
}

TEST(deflate_stream, zlib_inflate_decodes_each_call) {
    auto e = make_deflate_encoder(6);
    zlib_inflater z;
    std::string out;
    e->encode("", out);
    EXPECT_TRUE(out.empty());
    for (uint32_t i = 0; i < 30; ++i) {
        const std::string msg = i % 3 ? compressible_bytes(i * 3001, i) : random_bytes(i * 7, i);
        std::string encoded;
        e->encode(msg, encoded);
        if (msg.empty()) {
            EXPECT_TRUE(encoded.empty());
            continue;
        }
        EXPECT_EQ(encoded.substr(encoded.size() - 4), sync_marker);
        EXPECT_EQ(z.write(encoded), msg) << i;  // flushed: everything so far comes out
        ASSERT_TRUE(z.ok());
    }
}

TEST(deflate_stream, decodes_zlib_output_with_sync_flushes_at_random_places) {
    std::mt19937 rng(11);
    for (const int level : {1, 6, 9}) {
        zlib_deflater z(level);
        auto d = make_deflate_decoder();
        std::string expected_pending;  // written since the last flush
        std::string pending_stream;
        for (int i = 0; i < 200; ++i) {
            const size_t n = rng() % 3000;
            const std::string piece = rng() % 2 ? random_bytes(n, i) : compressible_bytes(n, i);
            const bool flush = rng() % 4 == 0;
            expected_pending += piece;
            pending_stream += z.write(piece, flush ? Z_SYNC_FLUSH : Z_NO_FLUSH);
            if (!flush) continue;
            std::string out;
            for (size_t pos = 0; pos < pending_stream.size();) {  // random input splits
                const size_t step = 1 + rng() % 500;
                d->append_input(std::string_view(pending_stream).substr(pos, step));
                pos += step;
                out += drain(*d, 1 + rng() % 5000);
            }
            ASSERT_EQ(out, expected_pending) << level << " " << i;
            expected_pending.clear();
            pending_stream.clear();
        }
        d->append_input(pending_stream + z.write("end", Z_FINISH));
        EXPECT_EQ(drain(*d), expected_pending + "end");
        EXPECT_FALSE(d->failed()) << d->error();
    }
}

std::string small_stream(std::string& plain) {
    auto e = make_deflate_encoder(6);
    std::string out;
    for (const std::string& part : {std::string("hello"), compressible_bytes(300, 3),
                                    random_bytes(100, 3), std::string("x")}) {
        e->encode(part, out);
        plain += part;
    }
    return out;
}

TEST(deflate_stream, input_split_at_every_byte) {
    std::string plain;
    const std::string stream = small_stream(plain);
    for (size_t i = 0; i <= stream.size(); ++i) {
        auto d = make_deflate_decoder();
        d->append_input(std::string_view(stream).substr(0, i));
        std::string out = drain(*d);
        d->append_input(std::string_view(stream).substr(i));
        out += drain(*d);
        ASSERT_EQ(out, plain) << i;
        ASSERT_FALSE(d->failed());
    }
    auto d = make_deflate_decoder();
    std::string out;
    for (char c : stream) {
        d->append_input(std::string_view(&c, 1));
        out += drain(*d, 7);
    }
    EXPECT_EQ(out, plain);
}

TEST(deflate_stream, cap_one_reads) {
    const std::string plain = compressible_bytes(70000, 4);
    auto e = make_deflate_encoder(9);
    auto d = make_deflate_decoder();
    d->append_input(encode_all(*e, plain));
    std::string out;
    char c;
    while (d->read(&c, 1) == 1) out += c;
    EXPECT_EQ(out, plain);
    EXPECT_EQ(d->read(&c, 0), 0u);
}

TEST(deflate_stream, end_of_stream) {
    zlib_deflater z(6);
    const std::string stream = z.write("last words", Z_FINISH);
    EXPECT_EQ(decode_whole(stream), "last words");
    // Anything after the final block is an error, whether it came with it or later.
    auto d = make_deflate_decoder();
    d->append_input(stream + "x");
    EXPECT_EQ(drain(*d), "last words");
    EXPECT_TRUE(d->failed());
    EXPECT_EQ(d->error(), "flate: data after end of stream");
    auto d2 = make_deflate_decoder();
    d2->append_input(stream);
    EXPECT_EQ(drain(*d2), "last words");
    EXPECT_FALSE(d2->failed());
    d2->append_input("x");
    EXPECT_TRUE(d2->failed());
}

TEST(deflate_stream, garbage_fails_without_crashing) {
    auto d = make_deflate_decoder();
    d->append_input("\x07");  // final block of reserved type 3
    char c;
    EXPECT_EQ(d->read(&c, 1), 0u);
    EXPECT_TRUE(d->failed());
    EXPECT_EQ(d->error(), "flate: corrupt input: invalid block type");
    d->append_input(sync_marker);
    EXPECT_EQ(d->read(&c, 1), 0u);

    std::mt19937 rng(5);
    size_t failures = 0;
    for (uint32_t seed = 0; seed < 2000; ++seed) {
        const std::string input = random_bytes(rng() % 300, seed);
        auto g = make_deflate_decoder();
        std::string buf(64, '\0');
        for (size_t pos = 0; pos < input.size();) {
            const size_t step = 1 + rng() % 50;
            g->append_input(std::string_view(input).substr(pos, step));
            pos += step;
            const size_t cap = 1 + rng() % 64;
            size_t total = 0;
            while (const size_t n = g->read(buf.data(), cap)) {
                ASSERT_LE(n, cap);
                total += n;
                ASSERT_LT(total, size_t{1} << 20);  // 300 bytes can't inflate this far
            }
        }
        EXPECT_EQ(g->failed(), !g->error().empty());
        failures += g->failed();
    }
    EXPECT_GT(failures, 1000u);
}

// ~1 MiB of raw deflate that inflates to 1 GiB of zeros: one sync-flushed 1 MiB segment, then
// the next segment (identical for every following MiB: the window is all zeros) 1023 times.
std::string deflate_bomb() {
    zlib_deflater z(6);
    const std::string mib(1 << 20, '\0');
    std::string stream = z.write(mib, Z_SYNC_FLUSH);
    const std::string repeat = z.write(mib, Z_SYNC_FLUSH);
    EXPECT_EQ(z.write(mib, Z_SYNC_FLUSH), repeat);
    for (int i = 1; i < 1024; ++i) stream += repeat;
    return stream;
}

TEST(deflate_stream, bomb_is_read_in_bounded_steps) {
    const std::string bomb = deflate_bomb();
    ASSERT_LT(bomb.size(), size_t{2} << 20);
    auto d = make_deflate_decoder();
    d->append_input(bomb);
    const size_t cap = 65536;
    std::string buf(cap, '\1');
    const std::string zeros(cap, '\0');
    size_t total = 0;
    size_t reads = 0;
    testing::alloc_scope allocs;
    while (const size_t n = d->read(buf.data(), cap)) {
        ASSERT_LE(n, cap);
        ASSERT_EQ(std::memcmp(buf.data(), zeros.data(), n), 0);
        total += n;
        ++reads;
    }
    EXPECT_EQ(total, size_t{1} << 30);
    EXPECT_GE(reads, (size_t{1} << 30) / cap);
    // zlib allocates through operator new (its 32 KiB window on the first read), nothing else.
    if (testing::alloc_scope::available()) {
        EXPECT_GE(allocs.bytes(), 32768u);
        EXPECT_LE(allocs.bytes(), cap);
    }
    EXPECT_FALSE(d->failed()) << d->error();
}

}  // namespace
}  // namespace nsqpp::wire
