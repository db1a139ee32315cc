#include "nsqadmin/assets.h"

#include <vector>

namespace nsqpp::nsqadmin {

// Defined in the generated assets_data.cc (embed_assets.cmake).
struct embedded_file {
    const char* name;
    const unsigned char* data;
    size_t size;
};
extern const embedded_file embedded_files[];
extern const size_t embedded_file_count;

namespace {
const std::vector<asset>& table() {
    static const std::vector<asset> files = [] {
        std::vector<asset> out;
        for (size_t i = 0; i < embedded_file_count; ++i) {
            const embedded_file& f = embedded_files[i];
            out.push_back(
                {f.name, std::string_view(reinterpret_cast<const char*>(f.data), f.size)});
        }
        return out;
    }();
    return files;
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
}  // namespace

const asset* find_asset(std::string_view name) {
    for (const asset& a : table()) {
        if (a.name == name) return &a;
    }
    return nullptr;
}

size_t asset_count() { return table().size(); }
const asset& asset_at(size_t i) { return table().at(i); }

std::string_view content_type_for(std::string_view name) {
    static const std::pair<std::string_view, std::string_view> types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".map", "application/json"},
        {".json", "application/json"},
        {".png", "image/png"},
        {".svg", "image/svg+xml"},
        {".woff2", "application/font-woff2"},
        {".woff", "application/font-woff"},
        {".ttf", "application/font-sfnt"},
        {".eot", "application/vnd.ms-fontobject"},
    };
    for (const auto& [ext, type] : types) {
        if (ends_with(name, ext)) return type;
    }
    return "application/octet-stream";
}

}  // namespace nsqpp::nsqadmin
