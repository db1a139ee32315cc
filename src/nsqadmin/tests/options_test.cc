// nsqadmin's flags, config file and start-up validation (spec/nsqadmin.md §2).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "nsqadmin/options_table.h"

namespace nsqpp::nsqadmin {
namespace {

std::optional<options> parse(std::vector<const char*> args, int* code, std::string* err = nullptr) {
    args.insert(args.begin(), "nsqadmin");
    std::ostringstream out, errs;
    auto o = parse_command_line(static_cast<int>(args.size()), args.data(), code, out, errs);
    if (err) *err = out.str() + errs.str();
    return o;
}

TEST(nsqadmin_options, defaults_are_nsqs) {
    options o;
    EXPECT_EQ(o.http_address, "0.0.0.0:4171");
    EXPECT_EQ(o.base_path, "/");
    EXPECT_EQ(o.acl_http_header, "X-Forwarded-User");
    EXPECT_EQ(o.allow_config_from_cidr, "127.0.0.1/8");
    EXPECT_EQ(o.statsd_prefix, "nsq.%s");
    EXPECT_EQ(o.statsd_interval, std::chrono::seconds(60));
    EXPECT_EQ(o.http_client_connect_timeout, std::chrono::seconds(2));
    EXPECT_EQ(o.http_client_request_timeout, std::chrono::seconds(5));
}

TEST(nsqadmin_options, repeatable_flags_and_base_path_normalisation) {
    int code = -1;
    auto o = parse({"--lookupd-http-address=a:4161", "--lookupd-http-address", "b:4161",
                    "-admin-user=alice", "--admin-user=bob", "--base-path=admin/",
                    "--graphite-url=http://g:8080", "--proxy-graphite", "--statsd-interval=10s"},
                   &code);
    ASSERT_TRUE(o);
    EXPECT_EQ(code, 0);
    EXPECT_EQ(o->nsqlookupd_http_addresses, (std::vector<std::string>{"a:4161", "b:4161"}));
    EXPECT_EQ(o->admin_users, (std::vector<std::string>{"alice", "bob"}));
    EXPECT_EQ(o->base_path, "/admin");
    EXPECT_EQ(o->graphite_url, "http://g:8080");
    EXPECT_TRUE(o->proxy_graphite);
    EXPECT_EQ(o->statsd_interval, std::chrono::seconds(10));
}

TEST(nsqadmin_options, normalize_base_path) {
    EXPECT_EQ(normalize_base_path(""), "/");
    EXPECT_EQ(normalize_base_path("/"), "/");
    EXPECT_EQ(normalize_base_path("admin"), "/admin");
    EXPECT_EQ(normalize_base_path("/a//b/../c/"), "/a/c");
}

TEST(nsqadmin_options, unknown_flag_is_a_go_flag_error) {
    int code = -1;
    std::string err;
    EXPECT_FALSE(parse({"--nope"}, &code, &err));
    EXPECT_EQ(code, 2);
    EXPECT_NE(err.find("flag provided but not defined: -nope"), std::string::npos) << err;
    EXPECT_NE(err.find("Usage of nsqadmin:"), std::string::npos);
}

TEST(nsqadmin_options, version) {
    int code = -1;
    std::string out;
    EXPECT_FALSE(parse({"--version"}, &code, &out));
    EXPECT_EQ(code, 0);
    EXPECT_EQ(out, "nsqadmin v1.3.0 (built w/nsqpp)\n");
}

TEST(nsqadmin_options, config_file_keys_and_flag_precedence) {
    std::string path = ::testing::TempDir() + "/nsqadmin_test.toml";
    {
        std::ofstream f(path);
        f << "nsqlookupd_http_addresses = [\"l1:4161\", \"l2:4161\"]\n"
             "admin_users = [\"root\"]\nhttp_address = \"127.0.0.1:9999\"\n"
             "notification_http_endpoint = \"http://n/pub?topic=admin\"\n"
             "http_client_request_timeout = 1500\n";
    }
    int code = -1;
    auto o = parse({"--config", path.c_str(), "--http-address=127.0.0.1:1"}, &code);
    ASSERT_TRUE(o);
    EXPECT_EQ(o->nsqlookupd_http_addresses, (std::vector<std::string>{"l1:4161", "l2:4161"}));
    EXPECT_EQ(o->admin_users, (std::vector<std::string>{"root"}));
    EXPECT_EQ(o->http_address, "127.0.0.1:1");
    EXPECT_EQ(o->notification_http_endpoint, "http://n/pub?topic=admin");
    EXPECT_EQ(o->http_client_request_timeout, std::chrono::milliseconds(1500));

    std::string err;
    EXPECT_FALSE(parse({"--config=/nonexistent/x.toml"}, &code, &err));
    EXPECT_EQ(code, 1);
    EXPECT_NE(err.find("FATAL: failed to load config file /nonexistent/x.toml"), std::string::npos);
}

TEST(nsqadmin_options, validation_texts) {
    options o;
    EXPECT_EQ(validate_options(o), "--nsqd-http-address or --lookupd-http-address required");
    o.nsqd_http_addresses = {"a:1"};
    EXPECT_EQ(validate_options(o), "");
    o.http_client_tls_key = "k";
    EXPECT_EQ(validate_options(o),
              "--http-client-tls-cert must be specified with --http-client-tls-key");
    o.http_client_tls_key = "";
    o.allow_config_from_cidr = "nonsense";
    EXPECT_NE(validate_options(o).find("failed to parse --allow-config-from-cidr (nonsense)"),
              std::string::npos);
    o.allow_config_from_cidr = "";
    EXPECT_EQ(validate_options(o), "");
}

}  // namespace
}  // namespace nsqpp::nsqadmin
