#include "wire/names.h"

namespace nsqpp::wire {
namespace {

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

bool is_valid_name(std::string_view name) {
    if (name.empty() || name.size() > max_name_length) {
        return false;
    }
    if (is_ephemeral(name)) {
        name.remove_suffix(ephemeral_suffix.size());
    }
    if (name.empty()) {
        return false;
    }
    for (char c : name) {
        if (!is_name_char(c)) {
            return false;
        }
    }
    return true;
}

}  // namespace

bool is_valid_topic_name(std::string_view name) { return is_valid_name(name); }

bool is_valid_channel_name(std::string_view name) { return is_valid_name(name); }

bool is_ephemeral(std::string_view name) { return name.ends_with(ephemeral_suffix); }

}  // namespace nsqpp::wire
