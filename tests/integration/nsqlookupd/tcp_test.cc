// nsqlookupd's TCP protocol V1 over real sockets (spec/nsqlookupd.md §3), 1 and 3 workers.
#include <gmock/gmock.h>

#include "fixture.h"
#include "nsqlookupd/options_table.h"

namespace nsqpp::lookupd_test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class tcp_protocol : public lookupd_workers_fixture {
  protected:
    nsqlookupd::options options() const override {
        nsqlookupd::options o;
        o.broadcast_address = "lk.test";
        return o;
    }
    // A new connection sends `bytes` (after the magic) and gets exactly this fatal error.
    ::testing::AssertionResult fatal_after(std::string_view bytes, std::string_view error) {
        v1_client c = connect();
        c.send(bytes);
        return c.expect_fatal(error);
    }
};

INSTANTIATE_TEST_SUITE_P(workers, tcp_protocol, ::testing::Values(1, 3));

TEST_P(tcp_protocol, ping_works_before_identify) {
    v1_client c = connect();
    EXPECT_TRUE(command(c, "PING"));
    EXPECT_TRUE(command(c, "PING"));
    EXPECT_EQ(get("/nodes").body, R"({"producers":[]})");
}

TEST_P(tcp_protocol, bad_magic_is_refused) {
    v1_client c;
    ASSERT_TRUE(c.connect(tcp_port_));
    c.send("  V2");
    EXPECT_TRUE(c.expect_fatal("E_BAD_PROTOCOL"));
}

TEST_P(tcp_protocol, closing_before_the_magic_gets_no_reply) {
    v1_client c;
    ASSERT_TRUE(c.connect(tcp_port_));
    c.send("  V");
    c.shutdown_write();
    EXPECT_TRUE(c.closed_by_peer());
    EXPECT_FALSE(c.read_response(100ms));
}

TEST_P(tcp_protocol, identify_reply_names_this_lookupd) {
    v1_client c = connect();
    c.send(identify_command(nsqd_identify_json("h1.example", 4150, 4151)));
    std::string expected = R"({"broadcast_address":"lk.test","hostname":")" +
                           nsqlookupd::os_hostname() + R"(","http_port":)" +
                           std::to_string(http_port_) + R"(,"tcp_port":)" +
                           std::to_string(tcp_port_) + R"(,"version":"1.3.0"})";
    EXPECT_TRUE(c.expect_response(expected));
    EXPECT_TRUE(command(c, "PING"));
}

TEST_P(tcp_protocol, spec_example_session) {
    v1_client c = connect();
    c.send(identify_command(
        R"({"broadcast_address":"h1.example","hostname":"h1","http_port":4151,"tcp_port":4150,)"
        R"("version":"1.3.0"})"));
    ASSERT_TRUE(c.read_response());
    EXPECT_TRUE(command(c, "REGISTER clicks archive"));
    EXPECT_TRUE(command(c, "PING"));
    c.send("REGISTER bad!\n");
    EXPECT_TRUE(c.expect_fatal("E_BAD_TOPIC REGISTER topic name 'bad!' is not valid"));
}

TEST_P(tcp_protocol, register_and_unregister_show_in_the_http_api) {
    v1_client c = nsqd("n1.example", 4150, 4151);
    const std::string me = c.local_address();
    EXPECT_TRUE(command(c, "REGISTER clicks archive"));
    EXPECT_TRUE(command(c, "REGISTER clicks metrics"));
    EXPECT_TRUE(command(c, "REGISTER views"));
    EXPECT_EQ(get("/topics").body, R"({"topics":["clicks","views"]})");
    EXPECT_EQ(get("/channels?topic=clicks").body, R"({"channels":["archive","metrics"]})");
    EXPECT_EQ(get("/lookup?topic=clicks").body,
              R"({"channels":["archive","metrics"],"producers":[{"remote_address":")" + me +
                  R"(","hostname":"nsqd-host","broadcast_address":"n1.example","tcp_port":4150,)"
                  R"("http_port":4151,"version":"1.3.0"}]})");
    EXPECT_THAT(node_addresses(), ElementsAre(me));

    EXPECT_TRUE(command(c, "UNREGISTER clicks metrics"));
    EXPECT_EQ(get("/channels?topic=clicks").body, R"({"channels":["archive","metrics"]})");
    EXPECT_TRUE(command(c, "UNREGISTER clicks"));
    EXPECT_THAT(lookup_producers("clicks"), IsEmpty());  // the key stays, without producers
    EXPECT_EQ(get("/lookup?topic=clicks").body,
              R"({"channels":["archive","metrics"],"producers":[]})");
    EXPECT_THAT(lookup_producers("views"), ElementsAre(me));
}

TEST_P(tcp_protocol, ephemeral_registrations_vanish_with_their_last_unregister) {
    v1_client c = nsqd("n1");
    EXPECT_TRUE(command(c, "REGISTER t#ephemeral c#ephemeral"));
    EXPECT_TRUE(command(c, "UNREGISTER t#ephemeral c#ephemeral"));
    EXPECT_EQ(get("/channels?topic=t%23ephemeral").body, R"({"channels":[]})");
    EXPECT_EQ(get("/topics").body, R"({"topics":["t#ephemeral"]})");
    EXPECT_TRUE(command(c, "UNREGISTER t#ephemeral"));
    EXPECT_EQ(get("/topics").body, R"({"topics":[]})");
    EXPECT_EQ(get("/lookup?topic=t%23ephemeral").status, 404);
}

TEST_P(tcp_protocol, disconnect_removes_the_producer_but_keeps_keys) {
    v1_client a = nsqd("a.example");
    v1_client b = nsqd("b.example");
    const std::string a_id = a.local_address();
    const std::string b_id = b.local_address();
    EXPECT_TRUE(command(a, "REGISTER t c"));
    EXPECT_TRUE(command(b, "REGISTER t c"));
    EXPECT_TRUE(command(a, "REGISTER e#ephemeral"));
    std::vector<std::string> both{a_id, b_id};
    std::sort(both.begin(), both.end());
    EXPECT_EQ(lookup_producers("t"), both);
    EXPECT_EQ(node_addresses(), both);

    a.close();
    EXPECT_TRUE(eventually([&] { return lookup_producers("t") == std::vector<std::string>{b_id}; }))
        << get("/lookup?topic=t").body;
    EXPECT_THAT(node_addresses(), ElementsAre(b_id));
    EXPECT_EQ(get("/topics").body, R"({"topics":["e#ephemeral","t"]})");  // keys stay
    EXPECT_EQ(get("/channels?topic=t").body, R"({"channels":["c"]})");

    b.close();
    EXPECT_TRUE(eventually([&] { return node_addresses().empty(); }));
    EXPECT_EQ(get("/lookup?topic=t").body, R"({"channels":["c"],"producers":[]})");
    EXPECT_EQ(get("/debug").body, "{}");
}

TEST_P(tcp_protocol, fatal_error_also_removes_the_registrations) {
    v1_client c = nsqd("a");
    EXPECT_TRUE(command(c, "REGISTER t"));
    c.send("BOOM\n");
    EXPECT_TRUE(c.expect_fatal("E_INVALID invalid command BOOM"));
    EXPECT_TRUE(eventually([&] { return lookup_producers("t").empty(); }));
}

TEST_P(tcp_protocol, every_error_closes_the_connection) {
    const std::string id = identify_command(nsqd_identify_json("a", 1, 2));
    struct error_case {
        std::string bytes;   // after the magic
        int replies_before;  // IDENTIFY replies preceding the error
        std::string error;
    } cases[] = {
        {"ping\n", 0, "E_INVALID invalid command ping"},
        {"\n", 0, "E_INVALID invalid command "},
        {"REGISTER t\n", 0, "E_INVALID client must IDENTIFY"},
        {"UNREGISTER t\n", 0, "E_INVALID client must IDENTIFY"},
        {id + "REGISTER\n", 1, "E_INVALID REGISTER insufficient number of params"},
        {id + "UNREGISTER\n", 1, "E_INVALID UNREGISTER insufficient number of params"},
        {id + "REGISTER bad!\n", 1, "E_BAD_TOPIC REGISTER topic name 'bad!' is not valid"},
        {id + "UNREGISTER bad!\n", 1, "E_BAD_TOPIC UNREGISTER topic name 'bad!' is not valid"},
        {id + "REGISTER t bad!\n", 1, "E_BAD_CHANNEL REGISTER channel name 'bad!' is not valid"},
        {id + "UNREGISTER t bad!\n", 1,
         "E_BAD_CHANNEL UNREGISTER channel name 'bad!' is not valid"},
        {id + id, 1, "E_INVALID cannot IDENTIFY again"},
        {identify_command("{"), 0, "E_BAD_BODY IDENTIFY failed to decode JSON body"},
        {identify_command(R"({"tcp_port":"1"})"), 0,
         "E_BAD_BODY IDENTIFY failed to decode JSON body"},
        {identify_command(R"({"broadcast_address":"a","tcp_port":1,"http_port":2})"), 0,
         "E_BAD_BODY IDENTIFY missing fields"},
        {"IDENTIFY\n" + be32(-5), 0, "E_BAD_BODY IDENTIFY invalid body size -5"},
        {"IDENTIFY\n" + be32(2000000), 0, "E_BAD_BODY IDENTIFY body too big 2000000 > 1048576"},
    };
    for (const auto& k : cases) {
        v1_client c = connect();
        c.send(k.bytes);
        for (int i = 0; i < k.replies_before; ++i) ASSERT_TRUE(c.read_response()) << k.error;
        EXPECT_TRUE(c.expect_fatal(k.error)) << k.error;
    }
    // every identified connection was removed
    EXPECT_TRUE(eventually([&] { return get("/debug").body == "{}"; })) << get("/debug").body;
}

TEST_P(tcp_protocol, eof_inside_identify_body_is_answered) {
    v1_client c = connect();
    c.send("IDENTIFY\n" + be32(100) + "{\"broad");
    c.shutdown_write();
    EXPECT_TRUE(c.expect_fatal("E_BAD_BODY IDENTIFY failed to read body"));
    v1_client d = connect();
    d.send("IDENTIFY\n" + std::string(2, '\0'));
    d.shutdown_write();
    EXPECT_TRUE(d.expect_fatal("E_BAD_BODY IDENTIFY failed to read body size"));
}

TEST_P(tcp_protocol, pipelined_commands_are_answered_in_order) {
    v1_client c = connect();
    std::string batch = identify_command(nsqd_identify_json("a", 1, 2));
    for (int i = 0; i < 50; ++i) batch += "REGISTER t" + std::to_string(i) + " c\nPING\n";
    c.send(batch);
    ASSERT_TRUE(c.read_response());
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(c.expect_response("OK")) << i;
    EXPECT_TRUE(c.quiet_for(100ms));  // nothing unsolicited
    EXPECT_EQ(get_json("/topics").as_object().at("topics").as_array().size(), 50u);
}

TEST_P(tcp_protocol, identify_body_split_across_writes) {
    v1_client c = connect();
    std::string bytes = identify_command(nsqd_identify_json("slow", 1, 2)) + "REGISTER t\n";
    for (char ch : bytes) {
        c.send(std::string_view(&ch, 1));
        std::this_thread::sleep_for(1ms);
    }
    ASSERT_TRUE(c.read_response());
    EXPECT_TRUE(c.expect_response("OK"));
    EXPECT_THAT(lookup_producers("t"), ElementsAre(c.local_address()));
}

TEST_P(tcp_protocol, large_identify_body_is_read_whole) {
    v1_client c = connect();
    std::string json = R"({"padding":")" + std::string(300000, 'x') +
                       R"(","broadcast_address":"big","tcp_port":1,"http_port":2,"version":"v"})";
    c.send(identify_command(json) + "REGISTER t\n");
    auto reply = c.read_response();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->rfind("{\"broadcast_address\":\"lk.test\"", 0), 0u) << *reply;
    EXPECT_TRUE(c.expect_response("OK"));
    EXPECT_THAT(lookup_producers("t"), ElementsAre(c.local_address()));
}

TEST_P(tcp_protocol, stop_closes_every_connection) {
    v1_client a = nsqd("a");
    v1_client b = connect();
    daemon_->stop();
    EXPECT_TRUE(a.closed_by_peer());
    EXPECT_TRUE(b.closed_by_peer());
}

}  // namespace
}  // namespace nsqpp::lookupd_test
