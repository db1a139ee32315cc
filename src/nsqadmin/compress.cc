#include "nsqadmin/compress.h"

#include <zlib.h>

#include <stdexcept>

namespace nsqpp::nsqadmin {

std::optional<std::string> pick_encoding(std::string_view accept_encoding) {
    size_t pos = 0;
    while (pos <= accept_encoding.size()) {
        size_t comma = accept_encoding.find(',', pos);
        if (comma == std::string_view::npos) comma = accept_encoding.size();
        std::string_view item = accept_encoding.substr(pos, comma - pos);
        item = item.substr(0, item.find(';'));  // drop ";q=..."
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (http::iequals(item, "gzip")) return "gzip";
        if (http::iequals(item, "deflate")) return "deflate";
        pos = comma + 1;
    }
    return std::nullopt;
}

std::string compress_body(std::string_view data, bool gzip) {
    z_stream zs{};
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, gzip ? 31 : -15, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("deflateInit2 failed");
    }
    std::string out;
    out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&zs, Z_FINISH);
    size_t produced = out.size() - zs.avail_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
    out.resize(produced);
    return out;
}

http::middleware compress_responses() {
    return [](http::request& req, const http::handler& next) {
        http::response res = next(req);
        auto accept = req.header("Accept-Encoding");
        if (!accept || req.method == "HEAD") return res;
        auto encoding = pick_encoding(*accept);
        if (!encoding || res.header("Content-Encoding")) return res;
        res.body = compress_body(res.body, *encoding == "gzip");
        res.set_header("Content-Encoding", *encoding);
        res.set_header("Vary", "Accept-Encoding");
        return res;
    };
}

}  // namespace nsqpp::nsqadmin
