// Response compression (spec/nsqadmin.md §3.1).
#include "nsqadmin/compress.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace nsqpp::nsqadmin {
namespace {

std::string inflate_all(const std::string& in, bool gzip) {
    z_stream zs{};
    EXPECT_EQ(inflateInit2(&zs, gzip ? 31 : -15), Z_OK);
    std::string out(1 << 16, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
    out.resize(out.size() - zs.avail_out);
    inflateEnd(&zs);
    return out;
}

TEST(nsqadmin_compress, first_of_gzip_or_deflate_in_list_order) {
    EXPECT_EQ(pick_encoding("gzip, deflate, br"), "gzip");
    EXPECT_EQ(pick_encoding("br, deflate;q=0.5, gzip"), "deflate");
    EXPECT_EQ(pick_encoding(" GZIP "), "gzip");
    EXPECT_EQ(pick_encoding("br"), std::nullopt);
    EXPECT_EQ(pick_encoding(""), std::nullopt);
    EXPECT_EQ(pick_encoding("gzipx,,"), std::nullopt);
}

TEST(nsqadmin_compress, round_trips) {
    std::string body(5000, 'x');
    body += R"({"topics":["a","b"],"message":""})";
    std::string gz = compress_body(body, true);
    EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);  // gzip magic
    EXPECT_LT(gz.size(), body.size());
    EXPECT_EQ(inflate_all(gz, true), body);
    EXPECT_EQ(inflate_all(compress_body(body, false), false), body);
    EXPECT_EQ(inflate_all(compress_body("", true), true), "");
}

TEST(nsqadmin_compress, middleware_sets_headers_only_when_asked) {
    http::request req;
    req.method = "GET";
    auto next = [](http::request&) { return http::response::json(200, R"({"message":""})"); };
    auto mw = compress_responses();
    http::response plain = mw(req, next);
    EXPECT_EQ(plain.body, R"({"message":""})");
    EXPECT_FALSE(plain.header("Content-Encoding"));
    req.headers = {{"Accept-Encoding", "deflate, gzip"}};
    http::response res = mw(req, next);
    EXPECT_EQ(res.header("Content-Encoding"), "deflate");
    EXPECT_EQ(res.header("Vary"), "Accept-Encoding");
    EXPECT_EQ(inflate_all(res.body, false), R"({"message":""})");
}

}  // namespace
}  // namespace nsqpp::nsqadmin
