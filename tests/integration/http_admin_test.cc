// nsqd's topic and channel endpoints (spec §6.7, §4.7): every check with its status code and
// message, the effect of each action (seen through /stats, TCP consumers and nsqd.dat), and the
// routes NSQ does not have.
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/fixture.h"

namespace nsqpp::test {
namespace {

using ::testing::ElementsAre;

class http_admin : public nsqd_fixture {
  protected:
    // `status` with body {"message":"<text>"} and NSQ's JSON headers.
    static ::testing::AssertionResult is_error(const http::client_response& r, int status,
                                               std::string_view text) {
        std::string body = R"({"message":")" + std::string(text) + R"("})";
        if (r.status != status || r.body != body) {
            return ::testing::AssertionFailure()
                   << "expected " << status << " " << body << ", got " << r.status << " " << r.body;
        }
        if (r.header("Content-Type") != "application/json; charset=utf-8" ||
            r.header("X-NSQ-Content-Type") != "nsq; version=1.0") {
            return ::testing::AssertionFailure() << "missing NSQ's JSON headers";
        }
        return ::testing::AssertionSuccess();
    }
    // 200, empty body, no Content-Type, X-NSQ-Content-Type (NSQ's "no result" response).
    static ::testing::AssertionResult is_empty_ok(const http::client_response& r) {
        if (r.status != 200 || !r.body.empty()) {
            return ::testing::AssertionFailure()
                   << "expected 200 with empty body, got " << r.status << " " << r.body;
        }
        if (r.header("Content-Type")) {
            return ::testing::AssertionFailure() << "Content-Type: " << *r.header("Content-Type");
        }
        if (r.header("X-NSQ-Content-Type") != "nsq; version=1.0") {
            return ::testing::AssertionFailure() << "no X-NSQ-Content-Type";
        }
        if (r.header("Content-Length") != "0") {
            return ::testing::AssertionFailure() << "Content-Length not 0";
        }
        return ::testing::AssertionSuccess();
    }

    boost::json::object stats(const std::string& query = "") {
        auto r = http_get("/stats?format=json" + query);
        EXPECT_EQ(r.status, 200) << r.body;
        boost::system::error_code ec;
        auto v = boost::json::parse(r.body, ec);
        EXPECT_FALSE(ec) << r.body;
        if (ec || !v.is_object()) return {};
        return v.as_object();
    }
    // Topic names in /stats, in order.
    std::vector<std::string> topic_names() {
        std::vector<std::string> out;
        auto s = stats();
        if (!s.contains("topics") || !s.at("topics").is_array()) return out;
        for (const auto& t : s.at("topics").as_array()) {
            out.emplace_back(t.at("topic_name").as_string());
        }
        return out;
    }
    // The /stats object of `topic` (null when absent).
    boost::json::value topic_stats(const std::string& topic) {
        auto s = stats("&topic=" + topic);
        if (!s.contains("topics") || !s.at("topics").is_array()) return nullptr;
        const auto& topics = s.at("topics").as_array();
        return topics.empty() ? boost::json::value() : topics[0];
    }
    boost::json::value channel_stats(const std::string& topic, const std::string& channel) {
        auto t = topic_stats(topic);
        if (!t.is_object()) return nullptr;
        for (const auto& c : t.at("channels").as_array()) {
            if (c.at("channel_name") == channel.c_str()) return c;
        }
        return nullptr;
    }
    std::vector<std::string> channel_names(const std::string& topic) {
        std::vector<std::string> out;
        auto t = topic_stats(topic);
        if (!t.is_object()) return out;
        for (const auto& c : t.at("channels").as_array()) {
            out.emplace_back(c.at("channel_name").as_string());
        }
        return out;
    }
    int64_t field(const boost::json::value& obj, const char* key) {
        if (!obj.is_object() || !obj.as_object().contains(key)) return -1;
        return obj.at(key).to_number<int64_t>();
    }

    // nsqd.dat as JSON (null when missing or unparsable).
    boost::json::value metadata() {
        std::ifstream in(std::filesystem::path(daemon_->opts().data_path) / "nsqd.dat");
        if (!in) return nullptr;
        std::stringstream ss;
        ss << in.rdbuf();
        boost::system::error_code ec;
        auto v = boost::json::parse(ss.str(), ec);
        return ec ? boost::json::value() : v;
    }
    // "name" or "name*" (paused) for every topic in nsqd.dat, with its channels "t/c" likewise.
    std::vector<std::string> metadata_entries() {
        std::vector<std::string> out;
        auto m = metadata();
        if (!m.is_object() || !m.at("topics").is_array()) return out;
        for (const auto& t : m.at("topics").as_array()) {
            std::string name(t.at("name").as_string());
            out.push_back(name + (t.at("paused").as_bool() ? "*" : ""));
            if (!t.at("channels").is_array()) continue;
            for (const auto& c : t.at("channels").as_array()) {
                out.push_back(name + "/" + std::string(c.at("name").as_string()) +
                              (c.at("paused").as_bool() ? "*" : ""));
            }
        }
        std::sort(out.begin(), out.end());
        return out;
    }
};

// ---- /topic/create ----

TEST_F(http_admin, topic_create_creates_and_is_idempotent) {
    EXPECT_TRUE(is_empty_ok(http_post("/topic/create?topic=tc")));
    EXPECT_THAT(topic_names(), ElementsAre("tc"));
    EXPECT_TRUE(is_empty_ok(http_post("/topic/create?topic=tc")));
    EXPECT_TRUE(is_empty_ok(http_post("/topic/create?topic=ab#ephemeral")));
    EXPECT_THAT(topic_names(), ElementsAre("ab#ephemeral", "tc"));
    // nsqd.dat lists the new non-ephemeral topic
    EXPECT_THAT(metadata_entries(), ElementsAre("tc"));
}

TEST_F(http_admin, topic_create_errors) {
    EXPECT_TRUE(is_error(http_post("/topic/create?topic=%zz"), 400, "INVALID_REQUEST"));
    EXPECT_TRUE(is_error(http_post("/topic/create"), 400, "MISSING_ARG_TOPIC"));
    EXPECT_TRUE(is_error(http_post("/topic/create?channel=c"), 400, "MISSING_ARG_TOPIC"));
    EXPECT_TRUE(is_error(http_post("/topic/create?topic="), 400, "INVALID_TOPIC"));
    EXPECT_TRUE(is_error(http_post("/topic/create?topic=bad!"), 400, "INVALID_TOPIC"));
    EXPECT_TRUE(
        is_error(http_post("/topic/create?topic=" + std::string(65, 'a')), 400, "INVALID_TOPIC"));
    EXPECT_THAT(topic_names(), ElementsAre());
}

TEST_F(http_admin, parameters_come_from_the_query_only_and_the_first_value_wins) {
    EXPECT_TRUE(is_empty_ok(http_post("/topic/create?topic=q1&topic=q2", "topic=body")));
    EXPECT_THAT(topic_names(), ElementsAre("q1"));
    EXPECT_TRUE(is_error(http_post("/topic/create", "topic=body"), 400, "MISSING_ARG_TOPIC"));
}

TEST_F(http_admin, wrong_method_is_405_and_options_lists_post) {
    for (const char* path : {"/topic/create", "/topic/delete", "/topic/empty", "/topic/pause",
                             "/topic/unpause", "/channel/create", "/channel/delete",
                             "/channel/empty", "/channel/pause", "/channel/unpause"}) {
        auto r = http_get(std::string(path) + "?topic=t&channel=c");
        EXPECT_TRUE(is_error(r, 405, "METHOD_NOT_ALLOWED")) << path;
        EXPECT_EQ(r.header("Allow"), "OPTIONS, POST") << path;
        auto o = http_request("OPTIONS", path);
        EXPECT_EQ(o.status, 200) << path;
        EXPECT_EQ(o.header("Allow"), "OPTIONS, POST") << path;
    }
    EXPECT_THAT(topic_names(), ElementsAre());
}

TEST_F(http_admin, removed_and_unsupported_endpoints_are_404) {
    for (const char* path :
         {"/create_topic", "/delete_topic", "/empty_topic", "/pause_topic", "/unpause_topic",
          "/create_channel", "/delete_channel", "/empty_channel", "/pause_channel",
          "/unpause_channel", "/put", "/mput", "/topic", "/channel/list", "/debug/pprof/"}) {
        EXPECT_TRUE(is_error(http_post(std::string(path) + "?topic=t&channel=c"), 404, "NOT_FOUND"))
            << path;
        EXPECT_TRUE(is_error(http_get(std::string(path) + "?topic=t&channel=c"), 404, "NOT_FOUND"))
            << path;
    }
    EXPECT_THAT(topic_names(), ElementsAre());
}

// ---- /topic/delete ----

TEST_F(http_admin, topic_delete_errors_do_not_validate_the_name) {
    EXPECT_TRUE(is_error(http_post("/topic/delete?topic=%zz"), 400, "INVALID_REQUEST"));
    EXPECT_TRUE(is_error(http_post("/topic/delete"), 400, "MISSING_ARG_TOPIC"));
    EXPECT_TRUE(is_error(http_post("/topic/delete?topic=nope"), 404, "TOPIC_NOT_FOUND"));
    EXPECT_TRUE(is_error(http_post("/topic/delete?topic=bad!"), 404, "TOPIC_NOT_FOUND"));
    EXPECT_TRUE(is_error(http_post("/topic/delete?topic="), 404, "TOPIC_NOT_FOUND"));
}

TEST_F(http_admin, topic_delete_removes_everything_and_closes_consumers) {
    raw_client c = sub("td", "ch", 0);
    ASSERT_TRUE(pub("td", "m1"));
    ASSERT_TRUE(is_empty_ok(http_post("/topic/create?topic=keep")));
    EXPECT_THAT(metadata_entries(), ElementsAre("keep", "td", "td/ch"));

    EXPECT_TRUE(is_empty_ok(http_post("/topic/delete?topic=td")));
    EXPECT_THAT(topic_names(), ElementsAre("keep"));
    EXPECT_TRUE(c.closed_by_peer()) << "the consumer of a deleted topic is disconnected";
    EXPECT_THAT(metadata_entries(), ElementsAre("keep"));
    EXPECT_TRUE(is_error(http_post("/topic/delete?topic=td"), 404, "TOPIC_NOT_FOUND"));

    // A publish recreates it empty: the old message is gone.
    raw_client c2 = sub("td", "ch", 5);
    ASSERT_TRUE(pub("td", "m2"));
    EXPECT_THAT(receive_bodies(c2, 1), ElementsAre("m2"));
    EXPECT_TRUE(c2.quiet_for(300ms));
}

// ---- /topic/empty ----

TEST_F(http_admin, topic_empty_errors) {
    EXPECT_TRUE(is_error(http_post("/topic/empty?topic=%zz"), 400, "INVALID_REQUEST"));
    EXPECT_TRUE(is_error(http_post("/topic/empty"), 400, "MISSING_ARG_TOPIC"));
    EXPECT_TRUE(is_error(http_post("/topic/empty?topic=bad!"), 400, "INVALID_TOPIC"));
    EXPECT_TRUE(is_error(http_post("/topic/empty?topic="), 400, "INVALID_TOPIC"));
    EXPECT_TRUE(is_error(http_post("/topic/empty?topic=nope"), 404, "TOPIC_NOT_FOUND"));
    EXPECT_THAT(topic_names(), ElementsAre());
}

TEST_F(http_admin, topic_empty_discards_the_topic_queue_but_not_the_channels) {
    ASSERT_TRUE(mpub("te", {"a", "b", "c"}));  // no channel: held by the topic
    EXPECT_EQ(field(topic_stats("te"), "depth"), 3);
    EXPECT_TRUE(is_empty_ok(http_post("/topic/empty?topic=te")));
    EXPECT_EQ(field(topic_stats("te"), "depth"), 0);
    EXPECT_EQ(field(topic_stats("te"), "message_count"), 3);  // counters are kept

    // With a channel, queued messages are the channel's: emptying the topic keeps them.
    ASSERT_TRUE(is_empty_ok(http_post("/channel/create?topic=te&channel=ch")));
    ASSERT_TRUE(mpub("te", {"d", "e"}));
    EXPECT_EQ(field(channel_stats("te", "ch"), "depth"), 2);
    EXPECT_TRUE(is_empty_ok(http_post("/topic/empty?topic=te")));
    EXPECT_EQ(field(channel_stats("te", "ch"), "depth"), 2);
    raw_client c = sub("te", "ch", 5);
    EXPECT_THAT(receive_bodies(c, 2), ElementsAre("d", "e"));
    EXPECT_TRUE(c.quiet_for(300ms));
}

// ---- /topic/pause, /topic/unpause ----

TEST_F(http_admin, topic_pause_errors_do_not_validate_the_name) {
    for (const char* action : {"pause", "unpause"}) {
        std::string p = std::string("/topic/") + action;
        EXPECT_TRUE(is_error(http_post(p + "?topic=%zz"), 400, "INVALID_REQUEST")) << p;
        EXPECT_TRUE(is_error(http_post(p), 400, "MISSING_ARG_TOPIC")) << p;
        EXPECT_TRUE(is_error(http_post(p + "?topic=nope"), 404, "TOPIC_NOT_FOUND")) << p;
        EXPECT_TRUE(is_error(http_post(p + "?topic=bad!"), 404, "TOPIC_NOT_FOUND")) << p;
        EXPECT_TRUE(is_error(http_post(p + "?topic="), 404, "TOPIC_NOT_FOUND")) << p;
    }
    EXPECT_THAT(topic_names(), ElementsAre());
}

TEST_F(http_admin, topic_pause_holds_messages_in_the_topic_until_unpause) {
    raw_client c = sub("tp", "ch", 5);
    EXPECT_TRUE(is_empty_ok(http_post("/topic/pause?topic=tp")));
    EXPECT_TRUE(is_empty_ok(http_post("/topic/pause?topic=tp")));  // pausing twice is fine
    EXPECT_EQ(topic_stats("tp").at("paused"), true);
    EXPECT_THAT(metadata_entries(), ElementsAre("tp*", "tp/ch"));

    ASSERT_TRUE(pub("tp", "held"));
    EXPECT_TRUE(c.quiet_for(300ms));
    EXPECT_EQ(field(topic_stats("tp"), "depth"), 1);
    EXPECT_EQ(field(channel_stats("tp", "ch"), "message_count"), 0);

    EXPECT_TRUE(is_empty_ok(http_post("/topic/unpause?topic=tp")));
    EXPECT_THAT(receive_bodies(c, 1), ElementsAre("held"));
    EXPECT_EQ(topic_stats("tp").at("paused"), false);
    EXPECT_EQ(field(topic_stats("tp"), "depth"), 0);
    EXPECT_THAT(metadata_entries(), ElementsAre("tp", "tp/ch"));
}

// ---- /channel/* checks ----

TEST_F(http_admin, channel_endpoints_check_arguments_in_nsqs_order) {
    ASSERT_TRUE(is_empty_ok(http_post("/topic/create?topic=t")));
    for (const char* action : {"create", "delete", "empty", "pause", "unpause"}) {
        std::string p = std::string("/channel/") + action;
        EXPECT_TRUE(is_error(http_post(p + "?topic=%zz&channel=c"), 400, "INVALID_REQUEST")) << p;
        EXPECT_TRUE(is_error(http_post(p + "?channel=bad!"), 400, "MISSING_ARG_TOPIC")) << p;
        EXPECT_TRUE(is_error(http_post(p + "?topic=bad!"), 400, "INVALID_ARG_TOPIC")) << p;
        EXPECT_TRUE(is_error(http_post(p + "?topic=&channel=c"), 400, "INVALID_ARG_TOPIC")) << p;
        EXPECT_TRUE(is_error(http_post(p + "?topic=nope"), 400, "MISSING_ARG_CHANNEL")) << p;
        EXPECT_TRUE(is_error(http_post(p + "?topic=nope&channel=bad!"), 400, "INVALID_ARG_CHANNEL"))
            << p;
        EXPECT_TRUE(is_error(http_post(p + "?topic=t&channel="), 400, "INVALID_ARG_CHANNEL")) << p;
        EXPECT_TRUE(is_error(http_post(p + "?topic=t&channel=" + std::string(65, 'c')), 400,
                             "INVALID_ARG_CHANNEL"))
            << p;
        EXPECT_TRUE(is_error(http_post(p + "?topic=nope&channel=c"), 404, "TOPIC_NOT_FOUND")) << p;
        if (std::string_view(action) != "create") {
            EXPECT_TRUE(is_error(http_post(p + "?topic=t&channel=c"), 404, "CHANNEL_NOT_FOUND"))
                << p;
        }
    }
    EXPECT_THAT(topic_names(), ElementsAre("t"));  // /channel/create never creates a topic
}

// ---- /channel/create ----

TEST_F(http_admin, channel_create_creates_and_receives_new_messages) {
    ASSERT_TRUE(is_empty_ok(http_post("/topic/create?topic=cc")));
    EXPECT_TRUE(is_empty_ok(http_post("/channel/create?topic=cc&channel=b")));
    EXPECT_TRUE(is_empty_ok(http_post("/channel/create?topic=cc&channel=a#ephemeral")));
    EXPECT_TRUE(is_empty_ok(http_post("/channel/create?topic=cc&channel=b")));  // idempotent
    EXPECT_THAT(channel_names("cc"), ElementsAre("a#ephemeral", "b"));
    EXPECT_THAT(metadata_entries(), ElementsAre("cc", "cc/b"));

    ASSERT_TRUE(pub("cc", "x"));
    EXPECT_EQ(field(channel_stats("cc", "b"), "depth"), 1);
    EXPECT_EQ(field(channel_stats("cc", "a#ephemeral"), "depth"), 1);
}

// ---- /channel/delete ----

TEST_F(http_admin, channel_delete_removes_it_and_closes_its_consumers) {
    raw_client c = sub("cd", "gone", 0);
    raw_client other = sub("cd", "kept", 5);
    ASSERT_TRUE(pub("cd", "x"));
    EXPECT_THAT(receive_bodies(other, 1), ElementsAre("x"));
    EXPECT_THAT(metadata_entries(), ElementsAre("cd", "cd/gone", "cd/kept"));

    EXPECT_TRUE(is_empty_ok(http_post("/channel/delete?topic=cd&channel=gone")));
    EXPECT_TRUE(c.closed_by_peer());
    EXPECT_THAT(channel_names("cd"), ElementsAre("kept"));
    EXPECT_THAT(metadata_entries(), ElementsAre("cd", "cd/kept"));
    EXPECT_TRUE(
        is_error(http_post("/channel/delete?topic=cd&channel=gone"), 404, "CHANNEL_NOT_FOUND"));
    ASSERT_TRUE(pub("cd", "y"));  // the other channel's consumer is untouched
    EXPECT_THAT(receive_bodies(other, 1), ElementsAre("y"));
}

TEST_F(http_admin, deleting_the_last_channel_of_an_ephemeral_topic_deletes_the_topic) {
    ASSERT_TRUE(is_empty_ok(http_post("/topic/create?topic=eph#ephemeral")));
    ASSERT_TRUE(is_empty_ok(http_post("/channel/create?topic=eph#ephemeral&channel=a")));
    ASSERT_TRUE(is_empty_ok(http_post("/channel/create?topic=eph#ephemeral&channel=b")));
    ASSERT_TRUE(is_empty_ok(http_post("/topic/create?topic=durable")));
    ASSERT_TRUE(is_empty_ok(http_post("/channel/create?topic=durable&channel=a")));

    EXPECT_TRUE(is_empty_ok(http_post("/channel/delete?topic=eph#ephemeral&channel=a")));
    EXPECT_THAT(topic_names(), ElementsAre("durable", "eph#ephemeral"));
    EXPECT_TRUE(is_empty_ok(http_post("/channel/delete?topic=eph#ephemeral&channel=b")));
    EXPECT_THAT(topic_names(), ElementsAre("durable"));

    // A durable topic stays without channels.
    EXPECT_TRUE(is_empty_ok(http_post("/channel/delete?topic=durable&channel=a")));
    EXPECT_THAT(topic_names(), ElementsAre("durable"));
    EXPECT_THAT(metadata_entries(), ElementsAre("durable"));
}

// ---- /channel/empty ----

TEST_F(http_admin, channel_empty_discards_queued_in_flight_and_deferred) {
    raw_client c = sub("ce", "ch", 0);
    ASSERT_TRUE(mpub("ce", {"1", "2", "3", "4"}));
    c.send(cmd("RDY 2"));
    auto m1 = c.read_message();
    auto m2 = c.read_message();
    ASSERT_TRUE(m1 && m2);
    c.send(cmd("REQ " + m2->id + " 60000"));  // deferred
    // in flight: m1, and one more delivered after the REQ; deferred: m2; queued: the rest
    auto m3 = c.read_message();
    ASSERT_TRUE(m3);
    auto before = channel_stats("ce", "ch");
    EXPECT_EQ(field(before, "depth"), 1);
    EXPECT_EQ(field(before, "in_flight_count"), 2);
    EXPECT_EQ(field(before, "deferred_count"), 1);

    EXPECT_TRUE(is_empty_ok(http_post("/channel/empty?topic=ce&channel=ch")));
    auto after = channel_stats("ce", "ch");
    EXPECT_EQ(field(after, "depth"), 0);
    EXPECT_EQ(field(after, "in_flight_count"), 0);
    EXPECT_EQ(field(after, "deferred_count"), 0);
    ASSERT_TRUE(after.at("clients").is_array());
    ASSERT_EQ(after.at("clients").as_array().size(), 1u);
    EXPECT_EQ(field(after.at("clients").as_array()[0], "in_flight_count"), 0);

    // The consumer stays connected; FIN of an emptied message fails softly.
    c.send(cmd("FIN " + m1->id));
    EXPECT_TRUE(c.expect_error("E_FIN_FAILED FIN " + m1->id + " failed ID not in flight"));
    ASSERT_TRUE(pub("ce", "new"));
    auto m = c.read_message();
    ASSERT_TRUE(m);
    EXPECT_EQ(m->body, "new");
}

// ---- /channel/pause, /channel/unpause ----

TEST_F(http_admin, channel_pause_stops_deliveries_to_that_channel_only) {
    raw_client paused = sub("cp", "p", 5);
    raw_client running = sub("cp", "r", 5);
    EXPECT_TRUE(is_empty_ok(http_post("/channel/pause?topic=cp&channel=p")));
    EXPECT_EQ(channel_stats("cp", "p").at("paused"), true);
    EXPECT_EQ(channel_stats("cp", "r").at("paused"), false);
    EXPECT_THAT(metadata_entries(), ElementsAre("cp", "cp/p*", "cp/r"));

    ASSERT_TRUE(pub("cp", "x"));
    EXPECT_THAT(receive_bodies(running, 1), ElementsAre("x"));
    EXPECT_TRUE(paused.quiet_for(300ms));
    EXPECT_EQ(field(channel_stats("cp", "p"), "depth"), 1);

    EXPECT_TRUE(is_empty_ok(http_post("/channel/unpause?topic=cp&channel=p")));
    EXPECT_THAT(receive_bodies(paused, 1), ElementsAre("x"));
    EXPECT_EQ(channel_stats("cp", "p").at("paused"), false);
    EXPECT_THAT(metadata_entries(), ElementsAre("cp", "cp/p", "cp/r"));
}

}  // namespace
}  // namespace nsqpp::test
