#include "gateway/settings.h"

#include <stdexcept>

#include "config/go_syntax.h"

namespace nsqpp::gateway {

void settings::wrong_type(const std::string& key, const char* expected) const {
    throw std::invalid_argument("invalid value for " + (section_.empty() ? "" : section_ + ".") +
                                key + " - expected " + expected);
}

std::string settings::get_string(const std::string& key, std::string fallback) const {
    auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    if (const auto* s = std::get_if<std::string>(&it->second)) return *s;
    wrong_type(key, "a string");
}

int64_t settings::get_int(const std::string& key, int64_t fallback) const {
    auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    if (const auto* i = std::get_if<int64_t>(&it->second)) return *i;
    wrong_type(key, "an integer");
}

double settings::get_double(const std::string& key, double fallback) const {
    auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    if (const auto* d = std::get_if<double>(&it->second)) return *d;
    if (const auto* i = std::get_if<int64_t>(&it->second)) return static_cast<double>(*i);
    wrong_type(key, "a number");
}

bool settings::get_bool(const std::string& key, bool fallback) const {
    auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    if (const auto* b = std::get_if<bool>(&it->second)) return *b;
    wrong_type(key, "a boolean");
}

std::vector<std::string> settings::get_strings(const std::string& key,
                                               std::vector<std::string> fallback) const {
    auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    if (const auto* l = std::get_if<std::vector<std::string>>(&it->second)) return *l;
    if (const auto* s = std::get_if<std::string>(&it->second)) {
        std::vector<std::string> out;
        size_t start = 0;
        while (start <= s->size()) {
            size_t comma = s->find(',', start);
            if (comma == std::string::npos) comma = s->size();
            std::string item = s->substr(start, comma - start);
            if (!item.empty()) out.push_back(item);
            start = comma + 1;
        }
        return out;
    }
    wrong_type(key, "a list of strings");
}

std::chrono::milliseconds settings::get_duration(const std::string& key,
                                                 std::chrono::milliseconds fallback) const {
    auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    if (const auto* i = std::get_if<int64_t>(&it->second)) return std::chrono::milliseconds(*i);
    if (const auto* s = std::get_if<std::string>(&it->second)) {
        auto d = config::parse_go_duration(*s);
        if (d) return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
    }
    wrong_type(key, "a duration such as \"1.5s\"");
}

}  // namespace nsqpp::gateway
