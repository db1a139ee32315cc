#include "wire/frame.h"

#include <cstring>

#include "wire/endian.h"

namespace nsqpp::wire {

void append_frame(std::string& out, frame_type type, std::string_view data) {
    char header[frame_header_size];
    put_u32be(header, static_cast<uint32_t>(4 + data.size()));
    put_u32be(header + 4, static_cast<uint32_t>(type));
    out.append(header, sizeof header);
    out.append(data);
}

void encode_message_header(char* out, int64_t timestamp_ns, uint16_t attempts, const char* id16) {
    put_u64be(out, static_cast<uint64_t>(timestamp_ns));
    put_u16be(out + 8, attempts);
    std::memcpy(out + 10, id16, 16);
}

void encode_message_frame_prefix(char* out, uint32_t body_len, int64_t timestamp_ns,
                                 uint16_t attempts, const char* id16) {
    put_u32be(out, static_cast<uint32_t>(4 + message_header_size) + body_len);
    put_u32be(out + 4, static_cast<uint32_t>(frame_type::message));
    encode_message_header(out + frame_header_size, timestamp_ns, attempts, id16);
}

std::optional<frame> decode_frame(std::string_view buf, size_t& consumed) {
    consumed = 0;
    if (buf.size() < 4) {
        return std::nullopt;
    }
    const int32_t size = get_i32be(buf.data());
    if (size < 4) {
        consumed = frame_malformed;
        return std::nullopt;
    }
    const size_t total = 4 + static_cast<size_t>(size);
    if (buf.size() < total) {
        return std::nullopt;
    }
    consumed = total;
    return frame{static_cast<frame_type>(get_i32be(buf.data() + 4)),
                 buf.substr(frame_header_size, total - frame_header_size)};
}

std::optional<decoded_message> decode_message(std::string_view frame_data) {
    if (frame_data.size() < message_header_size) {
        return std::nullopt;
    }
    return decoded_message{static_cast<int64_t>(get_u64be(frame_data.data())),
                           get_u16be(frame_data.data() + 8), frame_data.substr(10, 16),
                           frame_data.substr(message_header_size)};
}

}  // namespace nsqpp::wire
