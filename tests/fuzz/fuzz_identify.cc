// libFuzzer target for the pure codecs in src/wire: IDENTIFY JSON, frames, messages, quoting,
// names and numbers. Checks invariants and aborts (__builtin_trap) when one breaks.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "wire/frame.h"
#include "wire/identify.h"
#include "wire/names.h"
#include "wire/numbers.h"
#include "wire/quote.h"
#include "wire/utf8.h"

namespace {

using namespace nsqpp::wire;

void check(bool ok) {
    if (!ok) __builtin_trap();
}

bool is_valid_utf8(std::string_view s) {
    while (!s.empty()) {
        const decoded_rune d = decode_rune(s);
        if (d.rune == rune_error && d.width == 1) return false;
        s.remove_prefix(d.width);
    }
    return true;
}

void fuzz_identify(std::string_view input) {
    const identify_limits limits{60000, 65536, 25, 30000, 900000};
    const identify_result r = parse_identify(input, limits);
    check(r.data.has_value() == r.error.empty());
    if (r.data) {
        for (const auto* s : {&r.data->client_id, &r.data->hostname, &r.data->user_agent}) {
            check(!*s || is_valid_utf8(**s));
        }
        check(r.data->sample_rate >= 0 && r.data->sample_rate <= 99);
    }
}

void fuzz_frames(std::string_view input) {
    std::string_view buf = input;
    size_t consumed = 0;
    while (auto f = decode_frame(buf, consumed)) {
        check(consumed >= frame_header_size && consumed <= buf.size());
        std::string again;
        append_frame(again, f->type, f->data);
        check(again == buf.substr(0, consumed));
        if (auto m = decode_message(f->data)) {
            check(m->id.size() == 16 && m->body.size() + message_header_size == f->data.size());
        }
        buf.remove_prefix(consumed);
    }
    check(consumed == 0 || consumed == frame_malformed);
}

void fuzz_text(std::string_view input) {
    const std::string q = go_quote(input);
    check(q.size() >= 2 && q.front() == '"' && q.back() == '"' && is_valid_utf8(q));
    check(is_valid_utf8(replace_invalid_utf8(input)));
    check(is_valid_topic_name(input) == is_valid_channel_name(input));
    if (auto v = parse_go_int64(input)) {
        check(parse_go_int64(std::to_string(*v)) == v);
    }
    if (auto d = parse_decimal_digits(input)) {
        check(parse_decimal_digits_wrapping(input) == d);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    fuzz_identify(input);
    fuzz_frames(input);
    fuzz_text(input);
    return 0;
}
