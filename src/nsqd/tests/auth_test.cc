// auth.h (addresses, query string, response parsing, permissions, expiry) and the protocol
// side of AUTH without sockets: process_input stops at a pending auth query and
// finish_pending_auth completes it.
#include "nsqd/auth.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/log.h"
#include "nsqd/auth_query.h"
#include "nsqd/protocol_v2.h"
#include "wire/endian.h"
#include "wire/frame.h"

namespace nsqpp::nsqd {
namespace {

using namespace std::chrono_literals;
const auth_clock::time_point t0 = auth_clock::time_point{} + 1000h;

auth_state parse_ok(std::string_view body, auth_clock::time_point now = t0) {
    auto r = parse_auth_response(body, now);
    EXPECT_TRUE(r.state.has_value()) << body << " → " << r.error;
    return r.state ? std::move(*r.state) : auth_state{};
}

std::string parse_error(std::string_view body) {
    auto r = parse_auth_response(body, t0);
    EXPECT_FALSE(r.state.has_value()) << body;
    return r.error;
}

// ---- addresses ----

TEST(AuthAddress, HostPortMeansHttpSlashAuth) {
    std::string err;
    auto ep = parse_auth_address("127.0.0.1:4181", err);
    ASSERT_TRUE(ep) << err;
    EXPECT_FALSE(ep->https);
    EXPECT_EQ(ep->host, "127.0.0.1");
    EXPECT_EQ(ep->port, 4181);
    EXPECT_EQ(ep->path, "/auth");

    ep = parse_auth_address("[::1]:99", err);
    ASSERT_TRUE(ep) << err;
    EXPECT_EQ(ep->host, "::1");
    EXPECT_EQ(ep->port, 99);

    ep = parse_auth_address("authd.local", err);
    ASSERT_TRUE(ep) << err;
    EXPECT_EQ(ep->port, 80);
}

TEST(AuthAddress, UrlIsUsedAsIs) {
    std::string err;
    auto ep = parse_auth_address("http://localhost:81/v1/check", err);
    ASSERT_TRUE(ep) << err;
    EXPECT_FALSE(ep->https);
    EXPECT_EQ(ep->host, "localhost");
    EXPECT_EQ(ep->port, 81);
    EXPECT_EQ(ep->path, "/v1/check");

    ep = parse_auth_address("HTTPS://auth.example", err);
    ASSERT_TRUE(ep) << err;
    EXPECT_TRUE(ep->https);
    EXPECT_EQ(ep->port, 443);
    EXPECT_EQ(ep->path, "/");
}

TEST(AuthAddress, BadValuesAreRefusedWithAReason) {
    for (const char* bad : {"", "ftp://x/auth", "http://", "host:abc", "host:0", "host:70000",
                            "a:b:c", "http://[::1/x", "host/path"}) {
        std::string err;
        EXPECT_FALSE(parse_auth_address(bad, err)) << bad;
        EXPECT_FALSE(err.empty()) << bad;
    }
}

// ---- request ----

TEST(AuthQuery, KeysSortedAndEscapedLikeGo) {
    EXPECT_EQ(auth_query_string("127.0.0.1", false, "good", ""),
              "common_name=&remote_ip=127.0.0.1&secret=good&tls=false");
    EXPECT_EQ(auth_query_string("::1", true, "a b&c=d/é", "CN x"),
              "common_name=CN+x&remote_ip=%3A%3A1&secret=a+b%26c%3Dd%2F%C3%A9&tls=true");
}

TEST(AuthQuery, RemoteIpIsTheHostPart) {
    EXPECT_EQ(remote_ip_of("127.0.0.1:5000"), "127.0.0.1");
    EXPECT_EQ(remote_ip_of("::1:5000"), "::1");
    EXPECT_EQ(remote_ip_of("[::1]:5000"), "::1");
    EXPECT_EQ(remote_ip_of(""), "");
}

// ---- response ----

TEST(AuthResponse, ParsesIdentityTtlAndEntries) {
    auto s = parse_ok(R"({"ttl":3600,"identity":"user","identity_url":"https://x/u",
        "authorizations":[{"topic":"^orders$","channels":[".*"],
                           "permissions":["subscribe","publish"]}]})");
    EXPECT_EQ(s.identity, "user");
    EXPECT_EQ(s.identity_url, "https://x/u");
    EXPECT_EQ(s.ttl, 3600);
    EXPECT_EQ(s.expires, t0 + 3600s);
    ASSERT_EQ(s.authorizations.size(), 1u);
    EXPECT_TRUE(s.authorizations[0].publish);
    EXPECT_TRUE(s.authorizations[0].subscribe);
    EXPECT_EQ(auth_reply_json(s),
              R"({"identity":"user","identity_url":"https://x/u","permission_count":1})");
}

TEST(AuthResponse, KeysMatchCaseInsensitivelyAndUnknownOnesAreIgnored) {
    auto s = parse_ok(R"({"TTL":5,"Identity":"a","extra":[1,2],"authorizations":null})");
    EXPECT_EQ(s.ttl, 5);
    EXPECT_EQ(s.identity, "a");
    EXPECT_FALSE(s.has_authorizations());
}

TEST(AuthResponse, ReplyJsonEscapesLikeGo) {
    auto s = parse_ok(R"({"ttl":1,"identity":"<a\"b>","authorizations":[{},{}]})");
    EXPECT_EQ(auth_reply_json(s),
              R"({"identity":"\u003ca\"b\u003e","identity_url":"","permission_count":2})");
}

TEST(AuthResponse, InvalidAnswersAreRefused) {
    EXPECT_NE(parse_error("not json"), "");
    EXPECT_NE(parse_error("[]"), "");
    EXPECT_NE(parse_error(R"({"identity":"x"})"), "");  // ttl missing → 0
    EXPECT_NE(parse_error(R"({"ttl":0})"), "");         // ttl must be > 0
    EXPECT_NE(parse_error(R"({"ttl":-5})"), "");
    EXPECT_NE(parse_error(R"({"ttl":1.5})"), "");                     // not an int
    EXPECT_NE(parse_error(R"({"ttl":"60"})"), "");                    // wrong type
    EXPECT_NE(parse_error(R"({"ttl":60,"identity":5})"), "");         // wrong type
    EXPECT_NE(parse_error(R"({"ttl":60,"authorizations":{}})"), "");  // not an array
    EXPECT_EQ(
        parse_error(R"({"ttl":60,"authorizations":[{"topic":".*","permissions":["admin"]}]})"),
        "unknown permission admin");
    EXPECT_NE(parse_error(R"({"ttl":60,"authorizations":[{"topic":"(","permissions":[]}]})")
                  .find("unable to compile topic"),
              std::string::npos);
    EXPECT_NE(parse_error(R"({"ttl":60,"authorizations":[{"topic":"a","channels":["[z-a]"]}]})")
                  .find("unable to compile channel"),
              std::string::npos);
}

TEST(AuthResponse, ExpiresAfterTtl) {
    auto s = parse_ok(R"({"ttl":2})");
    EXPECT_FALSE(s.expired(t0));
    EXPECT_FALSE(s.expired(t0 + 2s));
    EXPECT_TRUE(s.expired(t0 + 2s + 1ns));
    auto huge = parse_ok(R"({"ttl":9223372036854775807})");
    EXPECT_FALSE(huge.expired(t0 + 24h * 365 * 50));
}

TEST(AuthResponse, HttpsPortOfA403) {
    EXPECT_EQ(parse_https_port(R"({"https_port":4443})"), 4443);
    EXPECT_EQ(parse_https_port(R"({"message":"x"})"), std::nullopt);
    EXPECT_EQ(parse_https_port("nope"), std::nullopt);
}

// ---- permissions ----

TEST(AuthAllowed, RegexesAreUnanchoredSearches) {
    auto s = parse_ok(R"({"ttl":60,"authorizations":[
        {"topic":"orders","channels":[".*"],"permissions":["publish"]}]})");
    EXPECT_TRUE(s.is_allowed("orders", ""));
    EXPECT_TRUE(s.is_allowed("my_orders_2", ""));
    EXPECT_FALSE(s.is_allowed("order", ""));
    EXPECT_FALSE(s.is_allowed("orders", "ch"));  // no subscribe permission
}

TEST(AuthAllowed, PublishNeedsAChannelRegexMatchingEmpty) {
    auto s = parse_ok(R"({"ttl":60,"authorizations":[
        {"topic":".*","channels":[],"permissions":["publish","subscribe"]},
        {"topic":"^t$","channels":["^c.+"],"permissions":["publish","subscribe"]}]})");
    EXPECT_FALSE(s.is_allowed("t", ""));  // neither entry's channels match ""
    EXPECT_FALSE(s.is_allowed("x", "cat"));
    EXPECT_TRUE(s.is_allowed("t", "cat"));
    EXPECT_FALSE(s.is_allowed("t", "dog"));
}

TEST(AuthAllowed, AnyEntryMayAllow) {
    auto s = parse_ok(R"({"ttl":60,"authorizations":[
        {"topic":"^a$","channels":["^$"],"permissions":["publish"]},
        {"topic":"^b$","channels":["^web$"],"permissions":["subscribe"]}]})");
    EXPECT_TRUE(s.is_allowed("a", ""));
    EXPECT_FALSE(s.is_allowed("b", ""));
    EXPECT_TRUE(s.is_allowed("b", "web"));
    EXPECT_FALSE(s.is_allowed("a", "web"));
    EXPECT_FALSE(s.is_allowed("b", "web2"));
}

// ---- protocol (process_input + finish_pending_auth, no sockets) ----

std::string with_body(std::string line, std::string_view body) {
    char len[4];
    wire::put_u32be(len, static_cast<uint32_t>(body.size()));
    return line + "\n" + std::string(len, 4) + std::string(body);
}

struct null_consumer : broker::consumer {
    void wake() override {}
    void close_from_channel() override {}
};

struct auth_session {
    context ctx;
    null_consumer self;
    client_v2 client;
    std::string buffer;

    explicit auth_session(bool enabled) : ctx(make_options(enabled), 3, base::get_logger("test")) {
        client.id = 1;
        client.self = &self;
        client.remote_address = "127.0.0.1:5555";
        init_client(ctx, client);
    }
    static options make_options(bool enabled) {
        options o;
        if (enabled) o.auth_http_addresses = {"127.0.0.1:1"};
        return o;
    }
    // Appends input and runs the protocol; returns the frames written as "type:data".
    std::vector<std::string> feed(const std::string& input,
                                  auth_clock::time_point now = auth_clock::now()) {
        buffer += input;
        bool drop = false;
        size_t used = process_input(ctx, client, buffer, now, drop);
        buffer.erase(0, used);
        return take_frames();
    }
    std::vector<std::string> take_frames() {
        std::vector<std::string> frames;
        std::string_view out = client.out;
        size_t consumed = 0;
        while (auto f = wire::decode_frame(out, consumed)) {
            frames.push_back(std::to_string(static_cast<int>(f->type)) + ":" +
                             std::string(f->data));
            out.remove_prefix(consumed);
        }
        client.out.clear();
        return frames;
    }
    void answer(std::string_view json, auth_clock::time_point now = auth_clock::now()) {
        auto r = parse_auth_response(json, now);
        finish_pending_auth(ctx, client, std::move(r.state), r.error);
    }
};

using frames = std::vector<std::string>;

TEST(AuthProtocol, DisabledAnswersAuthDisabled) {
    auth_session s(false);
    EXPECT_EQ(s.feed(with_body("AUTH", "x")), frames{"1:E_AUTH_DISABLED AUTH disabled"});
    auth_session p(false);
    EXPECT_EQ(p.feed(with_body("PUB t", "m")), frames{"0:OK"});
}

TEST(AuthProtocol, PublishBeforeAuthIsRefused) {
    for (auto [cmd, expected] : std::vector<std::pair<std::string, std::string>>{
             {with_body("PUB t", "m"), "1:E_AUTH_FIRST AUTH required before PUB"},
             {with_body("DPUB t 10", "m"), "1:E_AUTH_FIRST AUTH required before DPUB"},
             {with_body("MPUB t", std::string("\0\0\0\1\0\0\0\1m", 9)),
              "1:E_AUTH_FIRST AUTH required before MPUB"},
             {"SUB t c\n", "1:E_AUTH_FIRST AUTH required before SUB"}}) {
        auth_session s(true);
        EXPECT_EQ(s.feed(cmd), frames{expected}) << cmd;
        EXPECT_TRUE(s.client.close_after_flush);
    }
}

TEST(AuthProtocol, AuthWaitsForTheServerAndLaterCommandsWait) {
    auth_session s(true);
    EXPECT_EQ(s.feed(with_body("AUTH", "sec ret") + with_body("PUB t", "m") + "NOP\n"), frames{});
    EXPECT_TRUE(s.client.auth_pending);
    EXPECT_TRUE(s.client.auth_command);
    EXPECT_EQ(s.client.auth_secret, "sec ret");
    EXPECT_EQ(s.buffer, with_body("PUB t", "m") + "NOP\n");  // AUTH consumed, the rest kept

    s.answer(R"({"ttl":60,"identity":"me","identity_url":"u",
        "authorizations":[{"topic":"^t$","channels":[".*"],"permissions":["publish"]}]})");
    EXPECT_FALSE(s.client.auth_pending);
    EXPECT_EQ(s.take_frames(),
              frames{R"(0:{"identity":"me","identity_url":"u","permission_count":1})"});
    {
        std::lock_guard lock(s.client.info_mu);
        EXPECT_TRUE(s.client.info.authed);
        EXPECT_EQ(s.client.info.auth_identity, "me");
        EXPECT_EQ(s.client.info.auth_identity_url, "u");
    }
    EXPECT_EQ(s.feed(""), frames{"0:OK"});
    EXPECT_TRUE(s.buffer.empty());
    EXPECT_EQ(s.feed(with_body("PUB other", "m")),
              frames{R"(1:E_UNAUTHORIZED AUTH failed for PUB on "other" "")"});
}

TEST(AuthProtocol, SecondAuthIsRefused) {
    auth_session s(true);
    s.feed(with_body("AUTH", "x"));
    s.answer(R"({"ttl":60,"authorizations":[{}]})");
    s.take_frames();
    EXPECT_EQ(s.feed(with_body("AUTH", "x")), frames{"1:E_INVALID AUTH already set"});
}

TEST(AuthProtocol, NoAuthorizationsOrFailureIsFatal) {
    auth_session s(true);
    s.feed(with_body("AUTH", "x"));
    s.answer(R"({"ttl":60,"identity":"nobody"})");
    EXPECT_EQ(s.take_frames(), frames{"1:E_UNAUTHORIZED AUTH no authorizations found"});
    EXPECT_TRUE(s.client.close_after_flush);

    auth_session f(true);
    f.feed(with_body("AUTH", "x"));
    f.answer(R"({"ttl":0})");
    EXPECT_EQ(f.take_frames(), frames{"1:E_AUTH_FAILED AUTH failed"});
    EXPECT_TRUE(f.client.close_after_flush);
}

TEST(AuthProtocol, SubscribeChecksTheChannel) {
    auth_session s(true);
    s.feed(with_body("AUTH", "x"));
    s.answer(R"({"ttl":60,"authorizations":[
        {"topic":"^t$","channels":["^web$"],"permissions":["subscribe"]}]})");
    s.take_frames();
    EXPECT_EQ(s.feed("SUB t db\n"), frames{R"(1:E_UNAUTHORIZED AUTH failed for SUB on "t" "db")"});

    auth_session ok(true);
    ok.feed(with_body("AUTH", "x"));
    ok.answer(R"({"ttl":60,"authorizations":[
        {"topic":"^t$","channels":["^web$"],"permissions":["subscribe"]}]})");
    ok.take_frames();
    EXPECT_EQ(ok.feed("SUB t web\n"), frames{"0:OK"});
    unsubscribe(ok.ctx, ok.client);
}

TEST(AuthProtocol, ExpiredStateRequeriesBeforeThePublish) {
    auth_session s(true);
    auto start = auth_clock::now();
    s.feed(with_body("AUTH", "x"), start);
    s.answer(R"({"ttl":1,"authorizations":[{"topic":".*","channels":[".*"],
        "permissions":["publish"]}]})",
             start);
    s.take_frames();
    EXPECT_EQ(s.feed(with_body("PUB t", "m"), start), frames{"0:OK"});
    // after the TTL: the PUB is not consumed and waits for a re-query
    auto later = start + 2s;
    EXPECT_EQ(s.feed(with_body("PUB t", "m2") + "NOP\n", later), frames{});
    EXPECT_TRUE(s.client.auth_pending);
    EXPECT_FALSE(s.client.auth_command);
    EXPECT_EQ(s.buffer, with_body("PUB t", "m2") + "NOP\n");
    // the server now allows only another topic
    s.answer(R"({"ttl":60,"authorizations":[{"topic":"^u$","channels":[".*"],
        "permissions":["publish"]}]})",
             later);
    EXPECT_EQ(s.take_frames(), frames{});  // a re-query writes nothing itself
    EXPECT_EQ(s.feed("", later), frames{R"(1:E_UNAUTHORIZED AUTH failed for PUB on "t" "")"});
}

TEST(AuthProtocol, FailedRequeryIsFatal) {
    auth_session s(true);
    auto start = auth_clock::now();
    s.feed(with_body("AUTH", "x"), start);
    s.answer(R"({"ttl":1,"authorizations":[{"topic":".*","channels":[".*"],
        "permissions":["publish","subscribe"]}]})",
             start);
    s.take_frames();
    EXPECT_EQ(s.feed("SUB t c\n", start + 5s), frames{});
    ASSERT_TRUE(s.client.auth_pending);
    finish_pending_auth(s.ctx, s.client, std::nullopt, "connection refused");
    EXPECT_EQ(s.take_frames(), frames{"1:E_AUTH_FAILED AUTH failed"});
    EXPECT_TRUE(s.client.close_after_flush);
}

}  // namespace
}  // namespace nsqpp::nsqd
