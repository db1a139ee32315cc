#include "nsqd/mpub_body.h"

#include "wire/endian.h"

namespace nsqpp::nsqd {
namespace {

// <count>(<len><bytes>)* with TCP MPUB's validation.
std::string parse_binary(std::string_view body, int64_t max_body_size, int64_t max_msg_size,
                         std::vector<broker::message_ptr>& out) {
    if (body.size() < 4) return "BAD_BODY";
    int32_t count = wire::get_i32be(body.data());
    if (count <= 0 || count > (max_body_size - 4) / 5) return "BAD_BODY";
    size_t pos = 4;
    for (int32_t i = 0; i < count; ++i) {
        if (body.size() < pos + 4) return "BAD_MESSAGE";
        int32_t size = wire::get_i32be(body.data() + pos);
        if (size <= 0 || size > max_msg_size) return "BAD_MESSAGE";
        pos += 4;
        if (body.size() < pos + static_cast<size_t>(size)) return "BAD_MESSAGE";
        out.push_back(broker::message::create(body.substr(pos, size)));
        pos += static_cast<size_t>(size);
    }
    return "";
}

// One message per non-empty line; "\r" is kept, as NSQ does.
std::string parse_text(std::string_view body, int64_t max_msg_size,
                       std::vector<broker::message_ptr>& out) {
    size_t start = 0;
    while (start < body.size()) {
        size_t nl = body.find('\n', start);
        size_t end = nl == std::string_view::npos ? body.size() : nl;
        std::string_view seg = body.substr(start, end - start);
        if (static_cast<int64_t>(seg.size()) > max_msg_size) return "MSG_TOO_BIG";
        if (!seg.empty()) out.push_back(broker::message::create(seg));
        start = end + 1;
    }
    return "";
}

}  // namespace

std::string parse_mpub_body(std::string_view body, bool binary, int64_t max_body_size,
                            int64_t max_msg_size, std::vector<broker::message_ptr>& out) {
    auto err = binary ? parse_binary(body, max_body_size, max_msg_size, out)
                      : parse_text(body, max_msg_size, out);
    if (!err.empty()) out.clear();
    return err;
}

}  // namespace nsqpp::nsqd
