#pragma once
// One registered option and the rules that set it from a flag value or a TOML node.
// Internal to option_set; other modules use config/option_set.h.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/go_syntax.h"

namespace nsqpp::config {

// Checks (and may normalize in place) a string option's value from a flag or the config file.
// Returns "" when valid, else the reason shown after "invalid value ... for flag -x: ".
using validator = std::function<std::string(std::string& value)>;

namespace detail {

enum class option_kind {
    string,
    integer,
    boolean,
    duration,
    string_list,
    float_list,
    boolish_string,
};

using target_ptr = std::variant<std::string*, int64_t*, bool*, nanoseconds*,
                                std::vector<std::string>*, std::vector<double>*>;

struct option {
    std::string flag;
    std::string config_key;
    std::string help;
    option_kind kind = option_kind::string;
    target_ptr target;
    std::shared_ptr<void> owned;  // storage when registered with a null target
    bool sort_desc_split_commas = false;
    validator validate;
    std::string value_name;                   // shown in usage after the flag ("int", "value")
    std::optional<std::string> default_text;  // nullopt: zero value, not shown in usage
    bool quote_default = false;
    bool seen = false;  // set on the command line
};

// Go flag parsing treats these as boolean flags: a bare "-x" means "-x=true".
bool is_bool_flag(const option& o);

// Captures value_name and default_text from the target's current value (Go's DefValue).
void describe_default(option& o);

struct flag_result {
    enum kind { ok, invalid, fatal } result = ok;
    std::string reason;
};
// Applies one command-line value (Go's flag.Value.Set).
flag_result set_from_flag(option& o, std::string_view text);

}  // namespace detail
}  // namespace nsqpp::config
