#include "gateway/exchange.h"

#include <algorithm>
#include <vector>

#include "http/url.h"

namespace nsqpp::gateway {
namespace {

std::optional<std::string> find(const http::header_list& h, std::string_view name) {
    for (const auto& [k, v] : h) {
        if (http::iequals(k, name)) return v;
    }
    return std::nullopt;
}

void remove(http::header_list& h, std::string_view name) {
    h.erase(std::remove_if(h.begin(), h.end(),
                           [&](const auto& kv) { return http::iequals(kv.first, name); }),
            h.end());
}

}  // namespace

std::optional<std::string> response_head::header(std::string_view name) const {
    return find(headers, name);
}
void response_head::set_header(std::string_view name, std::string value) {
    remove(headers, name);
    headers.emplace_back(std::string(name), std::move(value));
}
void response_head::remove_header(std::string_view name) { remove(headers, name); }

std::optional<std::string> exchange::header(std::string_view name) const {
    return find(headers, name);
}
void exchange::set_header(std::string_view name, std::string value) {
    remove(headers, name);
    headers.emplace_back(std::string(name), std::move(value));
}
void exchange::remove_header(std::string_view name) { remove(headers, name); }

std::optional<std::string> exchange::query_value(std::string_view key) const {
    std::vector<std::pair<std::string, std::string>> pairs;
    http::parse_query(raw_query, pairs);
    for (auto& [k, v] : pairs) {
        if (k == key) return std::move(v);
    }
    return std::nullopt;
}

}  // namespace nsqpp::gateway
