#include "tools/json_filter.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "config/go_syntax.h"
#include "http/request.h"

namespace nsqpp::tools {
namespace {

double as_double(const boost::json::value& v) {
    if (v.is_int64()) return static_cast<double>(v.as_int64());
    if (v.is_uint64()) return static_cast<double>(v.as_uint64());
    return v.as_double();
}

// "1.2345e+19" → "12345000000000000000", "1.5e-05" → "0.000015".
std::string expand_exponent(const std::string& s) {
    auto e = s.find('e');
    if (e == std::string::npos) return s;
    std::string mant = s.substr(0, e);
    int exp = std::stoi(s.substr(e + 1));
    bool neg = !mant.empty() && mant[0] == '-';
    if (neg) mant.erase(0, 1);
    auto dot = mant.find('.');
    std::string digits = mant;
    int point = static_cast<int>(mant.size());
    if (dot != std::string::npos) {
        digits.erase(dot, 1);
        point = static_cast<int>(dot);
    }
    point += exp;
    std::string out;
    if (point <= 0) {
        out = "0." + std::string(static_cast<size_t>(-point), '0') + digits;
    } else if (point >= static_cast<int>(digits.size())) {
        out = digits + std::string(static_cast<size_t>(point) - digits.size(), '0');
    } else {
        out = digits.substr(0, static_cast<size_t>(point)) + "." +
              digits.substr(static_cast<size_t>(point));
    }
    return neg ? "-" + out : out;
}

void write_value(const boost::json::value& v, std::string& out);

void write_object(const boost::json::object& o, std::string& out) {
    std::vector<std::string_view> keys;
    for (const auto& kv : o) keys.push_back(kv.key());
    std::sort(keys.begin(), keys.end());
    out += '{';
    for (size_t i = 0; i < keys.size(); ++i) {
        if (i > 0) out += ',';
        out += http::json_quote(keys[i]);
        out += ':';
        write_value(o.at(keys[i]), out);
    }
    out += '}';
}

void write_value(const boost::json::value& v, std::string& out) {
    switch (v.kind()) {
        case boost::json::kind::null:
            out += "null";
            break;
        case boost::json::kind::bool_:
            out += v.as_bool() ? "true" : "false";
            break;
        case boost::json::kind::int64:
        case boost::json::kind::uint64:
        case boost::json::kind::double_:
            out += go_json_number(as_double(v));
            break;
        case boost::json::kind::string:
            out += http::json_quote(v.as_string());
            break;
        case boost::json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& e : v.as_array()) {
                if (!first) out += ',';
                first = false;
                write_value(e, out);
            }
            out += ']';
            break;
        }
        case boost::json::kind::object:
            write_object(v.as_object(), out);
            break;
    }
}

// Go's shouldPassMessage: {pass, backoff}.
std::pair<bool, bool> should_pass(const json_filter_settings& s, const boost::json::object& js,
                                  std::string& log) {
    if (s.require_field.empty()) return {true, false};
    const auto* v = js.if_contains(s.require_field);
    if (v == nullptr) {
        if (!s.require_value.empty()) {
            log = "ERROR: missing field to check required value";
            return {false, true};
        }
        return {false, false};
    }
    if (s.require_value.empty()) return {true, false};
    if (v->is_string()) return {v->as_string() == s.require_value, false};
    auto number = config::parse_go_float(s.require_value);
    if (number && v->is_number()) return {as_double(*v) == *number, false};
    return {false, false};
}

}  // namespace

std::string go_json_number(double v) {
    double a = std::fabs(v);
    if (a != 0 && (a < 1e-6 || a >= 1e21)) {
        std::string s = fmt::format("{}", v);  // shortest digits, exponent form in this range
        auto e = s.find('e');
        if (e == std::string::npos) return s;
        std::string digits = s.substr(e + 2);  // Go: e-09 → e-9
        while (digits.size() > 1 && digits[0] == '0') digits.erase(0, 1);
        return s.substr(0, e + 2) + digits;
    }
    return expand_exponent(fmt::format("{}", v));
}

json_filter_result apply_json_filter(const json_filter_settings& s, std::string_view body) {
    json_filter_result r;
    r.body = std::string(body);
    if (!s.active()) return r;
    boost::json::error_code ec;
    auto doc = boost::json::parse(body, ec);
    if (ec || !doc.is_object()) {
        r.action = json_filter_result::drop;
        r.log = fmt::format("ERROR: Unable to decode json: {}", body);
        return r;
    }
    const auto& js = doc.as_object();
    auto [pass, backoff] = should_pass(s, js, r.log);
    if (!pass) {
        r.action = backoff ? json_filter_result::requeue : json_filter_result::drop;
        return r;
    }
    if (!s.whitelist.empty()) {
        boost::json::object filtered;
        for (const auto& field : s.whitelist) {
            if (const auto* v = js.if_contains(field)) filtered[field] = *v;
        }
        r.body.clear();
        write_object(filtered, r.body);
    }
    return r;
}

}  // namespace nsqpp::tools
