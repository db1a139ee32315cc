#pragma once
// nsq_to_nsq's JSON filtering (spec/tools.md §4): --require-json-field / --require-json-value
// and --whitelist-json-field, with Go's encoding/json output (sorted keys, float64 numbers).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nsqpp::tools {

struct json_filter_settings {
    std::string require_field;
    std::string require_value;
    std::vector<std::string> whitelist;
    bool active() const { return !require_field.empty() || !whitelist.empty(); }
};

struct json_filter_result {
    enum kind { pass, drop, requeue } action = pass;
    std::string body;  // the body to publish (for pass)
    std::string log;   // a line to log ("" = none)
};

json_filter_result apply_json_filter(const json_filter_settings& s, std::string_view body);

// Go's encoding/json rendering of a float64 ("1", "1.5", "1e+21", "1e-7").
std::string go_json_number(double v);

}  // namespace nsqpp::tools
