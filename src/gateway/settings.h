#pragma once
// Plain key → value settings of one middleware or feature, filled from a TOML table or flags,
// so that middleware code never sees toml++. Getters throw std::invalid_argument with a clear
// message when a value has the wrong type.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace nsqpp::gateway {

class settings {
  public:
    using value = std::variant<std::string, int64_t, double, bool, std::vector<std::string>>;

    settings() = default;
    explicit settings(std::string section) : section_(std::move(section)) {}

    void set(std::string key, value v) { values_[std::move(key)] = std::move(v); }
    bool has(const std::string& key) const { return values_.count(key) != 0; }

    std::string get_string(const std::string& key, std::string fallback) const;
    int64_t get_int(const std::string& key, int64_t fallback) const;
    double get_double(const std::string& key, double fallback) const;  // ints accepted
    bool get_bool(const std::string& key, bool fallback) const;
    // An array of strings, or one comma-separated string.
    std::vector<std::string> get_strings(const std::string& key,
                                         std::vector<std::string> fallback) const;
    // A Go duration string ("1.5s", "250ms") or integer milliseconds.
    std::chrono::milliseconds get_duration(const std::string& key,
                                           std::chrono::milliseconds fallback) const;

    const std::string& section() const { return section_; }

  private:
    [[noreturn]] void wrong_type(const std::string& key, const char* expected) const;
    std::string section_;
    std::map<std::string, value> values_;
};

}  // namespace nsqpp::gateway
