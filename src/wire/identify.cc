#include "wire/identify.h"

#include <boost/json/basic_parser_impl.hpp>
#include <cstdint>
#include <limits>
#include <variant>

#include "wire/go_json.h"
#include "wire/numbers.h"
#include "wire/utf8.h"

namespace nsqpp::wire {
namespace {

namespace json = boost::json;

using string_member = std::optional<std::string> identify_data::*;
using bool_member = bool identify_data::*;
struct int_member {
    int64_t identify_data::*member;
    int64_t min = std::numeric_limits<int64_t>::min();
    int64_t max = std::numeric_limits<int64_t>::max();
};
using field_target = std::variant<string_member, bool_member, int_member>;

struct field_entry {
    std::string_view key;
    field_target target;
};

// NSQ's identifyDataV2 (sample_rate is an int32 there, every other integer an int).
const field_entry identify_fields[] = {
    {"client_id", &identify_data::client_id},
    {"hostname", &identify_data::hostname},
    {"user_agent", &identify_data::user_agent},
    {"feature_negotiation", &identify_data::feature_negotiation},
    {"tls_v1", &identify_data::tls_v1},
    {"snappy", &identify_data::snappy},
    {"deflate", &identify_data::deflate},
    {"heartbeat_interval", int_member{&identify_data::heartbeat_interval}},
    {"output_buffer_size", int_member{&identify_data::output_buffer_size}},
    {"output_buffer_timeout", int_member{&identify_data::output_buffer_timeout}},
    {"deflate_level", int_member{&identify_data::deflate_level}},
    {"sample_rate", int_member{&identify_data::sample_rate, std::numeric_limits<int32_t>::min(),
                               std::numeric_limits<int32_t>::max()}},
    {"msg_timeout", int_member{&identify_data::msg_timeout}},
};

const field_entry* find_field(std::string_view key) {
    const std::optional<std::string> folded = fold_json_key(key);
    if (!folded) {
        return nullptr;
    }
    for (const field_entry& f : identify_fields) {
        if (f.key == *folded) {
            return &f;
        }
    }
    return nullptr;
}

// SAX handler for basic_parser: depth 1 is the top-level object's members; anything nested
// deeper belongs to an unknown key (or is a type error for a known one) and is skipped.
class identify_handler {
  public:
    static constexpr size_t max_object_size = static_cast<size_t>(-1);
    static constexpr size_t max_array_size = static_cast<size_t>(-1);
    static constexpr size_t max_key_size = static_cast<size_t>(-1);
    static constexpr size_t max_string_size = static_cast<size_t>(-1);

    identify_data data;
    bool type_error = false;

    bool on_document_begin(json::error_code&) { return true; }
    bool on_document_end(json::error_code&) { return true; }
    bool on_object_begin(json::error_code&) { return open_container(depth_ == 0); }
    bool on_object_end(size_t, json::error_code&) { return close_container(); }
    bool on_array_begin(json::error_code&) { return open_container(false); }
    bool on_array_end(size_t, json::error_code&) { return close_container(); }

    bool on_key_part(json::string_view s, size_t, json::error_code&) {
        if (depth_ == 1) key_.append(s.data(), s.size());
        return true;
    }
    bool on_key(json::string_view s, size_t, json::error_code& ec) {
        if (depth_ == 1) {
            on_key_part(s, 0, ec);
            field_ = find_field(key_);
            key_.clear();
        }
        return true;
    }

    bool on_string_part(json::string_view s, size_t, json::error_code&) {
        if (depth_ == 1 && field_ && std::holds_alternative<string_member>(field_->target)) {
            text_.append(s.data(), s.size());
        }
        return true;
    }
    bool on_string(json::string_view s, size_t n, json::error_code& ec) {
        on_string_part(s, n, ec);
        if (auto* m = member<string_member>()) {
            data.*(*m) = replace_invalid_utf8(text_);
        } else {
            scalar_mismatch();
        }
        text_.clear();
        return true;
    }

    bool on_number_part(json::string_view s, json::error_code&) {
        if (depth_ == 1 && field_ && std::holds_alternative<int_member>(field_->target)) {
            text_.append(s.data(), s.size());
        }
        return true;
    }
    bool on_int64(int64_t, json::string_view s, json::error_code& ec) { return on_number(s, ec); }
    bool on_uint64(uint64_t, json::string_view s, json::error_code& ec) { return on_number(s, ec); }
    bool on_double(double, json::string_view s, json::error_code& ec) { return on_number(s, ec); }

    bool on_bool(bool b, json::error_code&) {
        if (auto* m = member<bool_member>()) {
            data.*(*m) = b;
        } else {
            scalar_mismatch();
        }
        return true;
    }
    bool on_null(json::error_code&) { return true; }  // null leaves the default, even at top
    bool on_comment_part(json::string_view, json::error_code&) { return true; }
    bool on_comment(json::string_view, json::error_code&) { return true; }

  private:
    // The current key's target if it has type T and we are at member level.
    template <class T>
    const T* member() const {
        return depth_ == 1 && field_ ? std::get_if<T>(&field_->target) : nullptr;
    }

    // A scalar of the wrong type: an error at the top level or for a known member.
    void scalar_mismatch() {
        if (depth_ == 0 || (depth_ == 1 && field_)) type_error = true;
    }

    bool open_container(bool is_top_object) {
        if (depth_ == 0 && !is_top_object) type_error = true;
        if (depth_ == 1 && field_) type_error = true;
        ++depth_;
        return true;
    }

    bool close_container() {
        --depth_;
        if (depth_ == 1) field_ = nullptr;
        return true;
    }

    bool on_number(json::string_view s, json::error_code& ec) {
        on_number_part(s, ec);
        if (auto* m = member<int_member>()) {
            // Go: strconv.ParseInt on the literal, then the field's range.
            const std::optional<int64_t> v = parse_go_int64(text_);
            if (v && *v >= m->min && *v <= m->max) {
                data.*(m->member) = *v;
            } else {
                type_error = true;
            }
        } else {
            scalar_mismatch();
        }
        text_.clear();
        return true;
    }

    int depth_ = 0;
    const field_entry* field_ = nullptr;
    std::string key_;
    std::string text_;
};

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string reason(const char* what, int64_t value) {
    return std::string(what) + " (" + std::to_string(value) + ") is invalid";
}

}  // namespace

std::optional<identify_data> decode_identify(std::string_view body) {
    const std::optional<std::string> fixed = replace_lone_surrogate_escapes(body);
    const std::string_view input = fixed ? std::string_view(*fixed) : body;

    json::parse_options options;
    options.max_depth = 10000;  // Go's encoding/json nesting limit
    options.allow_invalid_utf8 = true;
    json::basic_parser<identify_handler> parser(options);
    json::error_code ec;
    size_t used = parser.write_some(false, input.data(), input.size(), ec);
    if (ec || !parser.done()) {
        return std::nullopt;
    }
    while (used < input.size() && is_json_space(input[used])) {
        ++used;
    }
    if (used != input.size() || parser.handler().type_error) {
        return std::nullopt;
    }
    return parser.handler().data;
}

std::string validate_identify(const identify_data& d, const identify_limits& limits) {
    const int64_t hb = d.heartbeat_interval;
    if (!(hb == -1 || hb == 0 || (hb >= 1000 && hb <= limits.max_heartbeat_interval_ms))) {
        return reason("heartbeat interval", hb);
    }
    const int64_t obt = d.output_buffer_timeout;
    if (!(obt == -1 || obt == 0 ||
          (obt >= limits.min_output_buffer_timeout_ms &&
           obt <= limits.max_output_buffer_timeout_ms))) {
        return reason("output buffer timeout", obt);
    }
    const int64_t obs = d.output_buffer_size;
    if (!(obs == -1 || obs == 0 || (obs >= 64 && obs <= limits.max_output_buffer_size))) {
        return reason("output buffer size", obs);
    }
    if (d.sample_rate < 0 || d.sample_rate > 99) {
        return reason("sample rate", d.sample_rate);
    }
    const int64_t mt = d.msg_timeout;
    if (!(mt == 0 || (mt >= 1000 && mt <= limits.max_msg_timeout_ms))) {
        return reason("msg timeout", mt);
    }
    return {};
}

identify_result parse_identify(std::string_view body, const identify_limits& limits) {
    identify_result result;
    std::optional<identify_data> data = decode_identify(body);
    if (!data) {
        result.error = identify_decode_error;
        return result;
    }
    result.error = validate_identify(*data, limits);
    if (result.error.empty()) {
        result.data = std::move(data);
    }
    return result;
}

}  // namespace nsqpp::wire
