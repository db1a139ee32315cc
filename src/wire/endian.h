#pragma once
// Big-endian (network order) integer load/store on raw byte pointers.
#include <cstdint>

namespace nsqpp::wire {

inline void put_u16be(char* p, uint16_t v) {
    p[0] = static_cast<char>(v >> 8);
    p[1] = static_cast<char>(v);
}

inline void put_u32be(char* p, uint32_t v) {
    p[0] = static_cast<char>(v >> 24);
    p[1] = static_cast<char>(v >> 16);
    p[2] = static_cast<char>(v >> 8);
    p[3] = static_cast<char>(v);
}

inline void put_u64be(char* p, uint64_t v) {
    put_u32be(p, static_cast<uint32_t>(v >> 32));
    put_u32be(p + 4, static_cast<uint32_t>(v));
}

inline uint16_t get_u16be(const char* p) {
    auto b = reinterpret_cast<const unsigned char*>(p);
    return static_cast<uint16_t>((b[0] << 8) | b[1]);
}

inline uint32_t get_u32be(const char* p) {
    auto b = reinterpret_cast<const unsigned char*>(p);
    return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

inline int32_t get_i32be(const char* p) { return static_cast<int32_t>(get_u32be(p)); }

inline uint64_t get_u64be(const char* p) {
    return (uint64_t{get_u32be(p)} << 32) | get_u32be(p + 4);
}

}  // namespace nsqpp::wire
