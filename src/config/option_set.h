#pragma once
// A declarative set of options bound to variables: Go-style command-line flags (the `flag`
// package's rules), a TOML config file with NSQ's coercions, and Go-style usage text
// (spec/nsqd.md §8). Precedence: command-line flag > config file > the target's initial value.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/go_syntax.h"
#include "config/option.h"

namespace nsqpp::config {

class option_set {
  public:
    explicit option_set(std::string program_name);

    // Each option: flag name (without dashes), config key ("" = not in the config file), help
    // text, target. The target's value at registration is the default shown by usage(). A null
    // target makes the set keep the value itself (for accepted-but-ignored flags). Registering a
    // flag twice throws std::logic_error, as Go panics.
    void add_string(std::string flag, std::string config_key, std::string help,
                    std::string* target);
    void add_int(std::string flag, std::string config_key, std::string help, int64_t* target);
    void add_bool(std::string flag, std::string config_key, std::string help, bool* target);
    void add_duration(std::string flag, std::string config_key, std::string help,
                      nanoseconds* target);
    // Repeatable flag (the first occurrence replaces the default); TOML array or comma string.
    void add_string_list(std::string flag, std::string config_key, std::string help,
                         std::vector<std::string>* target);
    // Repeatable float flag. With sort_desc_split_commas (NSQ's e2e percentiles): each
    // occurrence may hold "a,b,c", the list is re-sorted descending after each occurrence, and
    // an unparsable item is fatal ("Could not parse: <s>", exit status 1). The config file's
    // values (TOML array or comma string) keep their order.
    void add_float_list(std::string flag, std::string config_key, std::string help,
                        std::vector<double>* target, bool sort_desc_split_commas);
    // A bool-like string such as --tls-required: a bare flag sets "true", "-x=value" sets value.
    void add_boolish_string(std::string flag, std::string config_key, std::string help,
                            std::string* target);

    // Extras, not in Go's API. Both throw std::logic_error for an unknown flag.
    // A validator for a string or bool-like string option, applied to flag and config values.
    void set_validator(std::string_view flag, validator validate);
    // Overrides what usage() shows: the value name after the flag ("" for none) and the default
    // (nullopt: not shown), for options that Go declares with a custom flag.Value.
    void set_usage(std::string_view flag, std::string value_name,
                   std::optional<std::string> default_text);

    struct parse_outcome {
        enum kind { ok, help, error } result = ok;
        std::string message;
        // For `error`: 2 = Go flag error (print message, then usage), 1 = fatal (NSQ's
        // log.Fatalf: print the message only). 0 otherwise.
        int exit_code = 0;
    };
    // Go flag package semantics (spec §8.1): -f / --f, -f=v, -f v (non-bool), bool only with
    // '=' or bare, parsing stops at the first non-flag or "--"; unknown flag → error
    // "flag provided but not defined: -x"; bad value → "invalid value \"v\" for flag -x: <why>";
    // -h/-help/--help → help. argv[0] is the program and is skipped.
    parse_outcome parse_args(int argc, const char* const* argv);
    bool was_set(std::string_view flag) const;  // set on the command line
    // Arguments after the flags (from the first non-flag; "--" itself is dropped).
    const std::vector<std::string>& remaining_args() const { return remaining_args_; }

    // Applies a TOML file to every option NOT set on the command line. Durations: Go duration
    // string or integer milliseconds. Lists: array or comma string. Booleans: TOML bool (an
    // integer is inverted: 0 → true, non-zero → false, as NSQ does). Unknown keys are ignored.
    // Returns "" on success or the error text (the caller prints
    // "failed to load config file <f> - <err>").
    std::string load_toml_file(const std::string& path);
    // The same for TOML text already in memory (`source` names it in error messages).
    std::string load_toml_string(std::string_view text, const std::string& source);

    // Go-style usage: "Usage of nsqd:\n  -flag type\n    \thelp (default ...)\n", sorted by flag.
    std::string usage() const;

  private:
    template <typename T>
    void add(std::string flag, std::string config_key, std::string help, detail::option_kind kind,
             T* target);
    detail::option& find_or_throw(std::string_view flag);

    std::string program_name_;
    std::vector<detail::option> options_;                 // registration order
    std::map<std::string, size_t, std::less<>> by_flag_;  // flag → index, sorted for usage
    std::vector<std::string> remaining_args_;
};

}  // namespace nsqpp::config
