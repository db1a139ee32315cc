#pragma once
// Helpers shared by the stream codec tests: test data and "read everything" loops.
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "wire/stream_codec.h"

namespace nsqpp::wire::testing {

inline std::string random_bytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng() & 0xff);
    return s;
}

// Text-like data that compresses well.
inline std::string compressible_bytes(size_t n, uint32_t seed) {
    static constexpr std::string_view words[] = {"nsq ", "topic ",   "channel ",    "PUB ",
                                                 "FIN ", "message ", "0123456789 ", "\n"};
    std::mt19937 rng(seed);
    std::string s;
    s.reserve(n + 16);
    while (s.size() < n) s.append(words[rng() % std::size(words)]);
    s.resize(n);
    return s;
}

// Reads until read() returns 0, `cap` bytes at a time; checks nothing, returns all output.
inline std::string drain(stream_decoder& d, size_t cap = 4096) {
    std::string out;
    std::string buf(cap, '\0');
    for (;;) {
        const size_t n = d.read(buf.data(), cap);
        if (n == 0) return out;
        out.append(buf.data(), n);
    }
}

inline std::string encode_all(stream_encoder& e, std::string_view in) {
    std::string out;
    e.encode(in, out);
    return out;
}

}  // namespace nsqpp::wire::testing
