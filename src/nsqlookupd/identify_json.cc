#include "nsqlookupd/identify_json.h"

#include <fmt/format.h>

#include <boost/json/basic_parser_impl.hpp>
#include <variant>

#include "http/request.h"
#include "nsqlookupd/context.h"
#include "wire/go_json.h"
#include "wire/numbers.h"
#include "wire/utf8.h"

namespace nsqpp::nsqlookupd {
namespace {

namespace json = boost::json;

using string_member = std::string identify_body::*;
using int_member = int64_t identify_body::*;
using field_target = std::variant<string_member, int_member>;

struct field_entry {
    std::string_view key;
    field_target target;
};

// NSQ's PeerInfo JSON tags (Go int = int64).
const field_entry peer_info_fields[] = {
    {"remote_address", &identify_body::remote_address},
    {"hostname", &identify_body::hostname},
    {"broadcast_address", &identify_body::broadcast_address},
    {"tcp_port", &identify_body::tcp_port},
    {"http_port", &identify_body::http_port},
    {"version", &identify_body::version},
};

const field_entry* find_field(std::string_view key) {
    const std::optional<std::string> folded = wire::fold_json_key(key);
    if (!folded) return nullptr;
    for (const field_entry& f : peer_info_fields) {
        if (f.key == *folded) return &f;
    }
    return nullptr;
}

// SAX handler for basic_parser: depth 1 is the top-level object's members; anything nested
// deeper belongs to an unknown key (or is a type error for a known one) and is skipped.
class peer_info_handler {
  public:
    static constexpr size_t max_object_size = static_cast<size_t>(-1);
    static constexpr size_t max_array_size = static_cast<size_t>(-1);
    static constexpr size_t max_key_size = static_cast<size_t>(-1);
    static constexpr size_t max_string_size = static_cast<size_t>(-1);

    identify_body data;
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
        if (member<string_member>()) text_.append(s.data(), s.size());
        return true;
    }
    bool on_string(json::string_view s, size_t n, json::error_code& ec) {
        on_string_part(s, n, ec);
        if (auto* m = member<string_member>()) {
            data.*(*m) = wire::replace_invalid_utf8(text_);
        } else {
            scalar_mismatch();
        }
        text_.clear();
        return true;
    }

    bool on_number_part(json::string_view s, json::error_code&) {
        if (member<int_member>()) text_.append(s.data(), s.size());
        return true;
    }
    bool on_int64(int64_t, json::string_view s, json::error_code& ec) { return on_number(s, ec); }
    bool on_uint64(uint64_t, json::string_view s, json::error_code& ec) { return on_number(s, ec); }
    bool on_double(double, json::string_view s, json::error_code& ec) { return on_number(s, ec); }

    bool on_bool(bool, json::error_code&) {
        scalar_mismatch();  // no bool field in PeerInfo
        return true;
    }
    bool on_null(json::error_code&) { return true; }  // null leaves the zero value
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
            // Go: strconv.ParseInt on the literal (no fraction, no exponent).
            const std::optional<int64_t> v = wire::parse_go_int64(text_);
            if (v) {
                data.*(*m) = *v;
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

}  // namespace

std::optional<identify_body> decode_identify(std::string_view body) {
    const std::optional<std::string> fixed = wire::replace_lone_surrogate_escapes(body);
    const std::string_view input = fixed ? std::string_view(*fixed) : body;

    json::parse_options options;
    options.max_depth = 10000;  // Go's encoding/json nesting limit
    options.allow_invalid_utf8 = true;
    json::basic_parser<peer_info_handler> parser(options);
    json::error_code ec;
    size_t used = parser.write_some(false, input.data(), input.size(), ec);
    if (ec || !parser.done()) return std::nullopt;
    while (used < input.size() && is_json_space(input[used])) ++used;
    if (used != input.size() || parser.handler().type_error) return std::nullopt;
    return parser.handler().data;
}

std::string identify_response_json(const context& ctx) {
    return fmt::format(
        "{{\"broadcast_address\":{},\"hostname\":{},\"http_port\":{},\"tcp_port\":{},"
        "\"version\":\"{}\"}}",
        http::json_quote(ctx.broadcast_address), http::json_quote(ctx.hostname),
        ctx.http_port.load(), ctx.tcp_port.load(), nsq_version);
}

}  // namespace nsqpp::nsqlookupd
