#include "wire/message_id.h"

namespace nsqpp::wire {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

message_id format_message_id(uint64_t value) {
    constexpr char digits[] = "0123456789abcdef";
    message_id id;
    for (size_t i = message_id_size; i-- > 0;) {
        id[i] = digits[value & 0xF];
        value >>= 4;
    }
    return id;
}

std::optional<uint64_t> parse_message_id(std::string_view text) {
    if (text.size() != message_id_size) {
        return std::nullopt;
    }
    uint64_t value = 0;
    for (char c : text) {
        const int v = hex_value(c);
        if (v < 0) {
            return std::nullopt;
        }
        value = value << 4 | static_cast<uint64_t>(v);
    }
    return value;
}

}  // namespace nsqpp::wire
