#pragma once
// V2 frames nsqd sends (spec §2.3): [size int32 BE = 4 + len(data)][type int32 BE][data].
// A message frame's data is [timestamp int64 BE][attempts uint16 BE][16-byte ID][body].
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nsqpp::wire {

enum class frame_type : int32_t { response = 0, error = 1, message = 2 };

inline constexpr size_t frame_header_size = 8;     // size + type
inline constexpr size_t message_header_size = 26;  // timestamp + attempts + ID
inline constexpr size_t message_frame_prefix_size = frame_header_size + message_header_size;

// Appends one complete frame to `out`.
void append_frame(std::string& out, frame_type type, std::string_view data);

// Writes the 26-byte message header; `id16` points at the 16 ASCII ID bytes.
void encode_message_header(char* out, int64_t timestamp_ns, uint16_t attempts, const char* id16);

// Writes the 34 bytes that precede a message body on the wire: frame size (4 + 26 + body_len),
// type 2, then the message header. The body itself is written separately (writev).
void encode_message_frame_prefix(char* out, uint32_t body_len, int64_t timestamp_ns,
                                 uint16_t attempts, const char* id16);

struct frame {
    frame_type type;  // any int32 the peer sent; not checked against the enumerators
    std::string_view data;
};

// `consumed` when decode_frame returns nullopt because the size field is below 4.
inline constexpr size_t frame_malformed = static_cast<size_t>(-1);

// Decodes the frame at the start of `buf` (views into `buf`). On success `consumed` is the
// frame's total length. nullopt with consumed == 0: more bytes are needed; nullopt with
// consumed == frame_malformed: the size field is invalid (< 4, incl. negative).
std::optional<frame> decode_frame(std::string_view buf, size_t& consumed);

struct decoded_message {
    int64_t timestamp;
    uint16_t attempts;
    std::string_view id;  // 16 bytes
    std::string_view body;
};

// Splits a message frame's data; nullopt when shorter than the 26-byte header.
std::optional<decoded_message> decode_message(std::string_view frame_data);

}  // namespace nsqpp::wire
