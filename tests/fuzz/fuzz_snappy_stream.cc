// libFuzzer target for the snappy framing decoder and encoder (src/wire/stream_codec.h):
// arbitrary input fed in pieces with arbitrary read sizes must never crash, never return more
// than asked, and any input must survive encode -> decode unchanged. Traps on a broken rule.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "wire/stream_codec.h"

namespace {

using namespace nsqpp::wire;

void check(bool ok) {
    if (!ok) __builtin_trap();
}

// Tiny deterministic generator for piece and read sizes, seeded from the input.
struct steps {
    uint32_t state;
    size_t next(size_t max) {
        state = state * 1664525u + 1013904223u;
        return 1 + (state >> 8) % max;
    }
};

std::string decode_in_pieces(stream_decoder& d, std::string_view in, steps& s) {
    std::string out;
    std::string buf(70000, '\0');
    while (true) {
        const size_t piece = std::min(in.size(), s.next(300));
        d.append_input(in.substr(0, piece));
        in.remove_prefix(piece);
        for (;;) {
            const size_t cap = s.next(s.state & 1 ? 16 : buf.size());
            const size_t n = d.read(buf.data(), cap);
            check(n <= cap);
            if (n == 0) break;
            out.append(buf.data(), n);
        }
        check(d.failed() == !d.error().empty());
        if (in.empty()) break;
    }
    if (d.failed()) {
        char c;
        check(d.read(&c, 1) == 0);
    }
    return out;
}

void fuzz_decode(std::string_view data, uint32_t seed) {
    steps s{seed};
    auto d = make_snappy_decoder();
    decode_in_pieces(*d, data, s);
    // Past the identifier check, so that the fuzzer explores chunk parsing.
    auto d2 = make_snappy_decoder();
    decode_in_pieces(*d2, std::string("\xff\x06\x00\x00sNaPpY", 10) + std::string(data), s);
}

void fuzz_round_trip(std::string_view data, uint32_t seed) {
    steps s{seed};
    auto e = make_snappy_encoder();
    auto d = make_snappy_decoder();
    std::string_view rest = data;
    while (!rest.empty()) {
        const std::string_view part = rest.substr(0, s.next(rest.size()));
        rest.remove_prefix(part.size());
        std::string encoded;
        e->encode(part, encoded);
        check(decode_in_pieces(*d, encoded, s) == part);  // every call is flushed
        check(!d->failed());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
    const std::string_view data(reinterpret_cast<const char*>(bytes), size);
    uint32_t seed = 0;
    for (size_t i = 0; i < size && i < 4; ++i) seed = seed << 8 | bytes[i];
    fuzz_decode(data, seed);
    fuzz_round_trip(data, seed);
    return 0;
}
