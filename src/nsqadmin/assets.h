#pragma once
// The web UI's files (built from web/nsqadmin by esbuild), embedded into the binary at build
// time by embed_assets.cmake (generated assets_data.cc).
#include <cstddef>
#include <string_view>

namespace nsqpp::nsqadmin {

struct asset {
    std::string_view name;  // file name, e.g. "main.js"
    std::string_view data;
};

// The embedded file `name`, or nullptr.
const asset* find_asset(std::string_view name);
// Number of embedded files and the i-th one (for tests and listings).
size_t asset_count();
const asset& asset_at(size_t i);

// Content-Type by file extension (spec §10.9), "application/octet-stream" when unknown.
std::string_view content_type_for(std::string_view name);

}  // namespace nsqpp::nsqadmin
