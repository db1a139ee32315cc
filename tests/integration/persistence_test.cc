// Disk queues, nsqd.dat and clean shutdown: what nsqd is given survives a restart.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "tests/integration/fixture.h"

namespace nsqpp::test {
namespace {

using namespace std::chrono_literals;

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class persistence : public ::testing::Test {
  protected:
    void SetUp() override { dir_ = make_temp_dir(); }
    void start(nsqd::options o = {}) {
        daemon_ = start_nsqd_in(dir_, std::move(o));
        port_ = daemon_->tcp_port();
    }
    void restart(nsqd::options o = {}) {
        daemon_->stop();
        daemon_.reset();
        start(std::move(o));
    }
    void TearDown() override {
        if (daemon_) daemon_->stop();
    }

    // Publishes bodies "<prefix><i>" for i in [0, n) with MPUB batches of 500.
    void publish_range(const std::string& topic, const std::string& prefix, int n) {
        raw_client c = connect_v2(port_);
        for (int start = 0; start < n; start += 500) {
            std::vector<std::string> batch;
            for (int i = start; i < std::min(n, start + 500); ++i) {
                batch.push_back(prefix + std::to_string(i));
            }
            c.send(cmd_with_body("MPUB " + topic, mpub_body(batch)));
            ASSERT_TRUE(c.expect_response("OK"));
        }
    }

    // Consumes until `n` messages arrived (FIN each) and returns body → times received.
    std::map<std::string, int> consume(const std::string& topic, const std::string& channel,
                                       size_t n) {
        raw_client c = subscribe(port_, topic, channel, 2500);
        std::map<std::string, int> seen;
        size_t got = 0;
        std::string fins;
        while (got < n) {
            auto m = c.read_message(5s);
            if (!m) break;
            ++seen[m->body];
            ++got;
            fins += "FIN " + m->id + "\n";
            if (fins.size() > 4096) {
                c.send(fins);
                fins.clear();
            }
        }
        c.send(fins);
        EXPECT_TRUE(c.quiet_for(300ms));  // nothing beyond n
        return seen;
    }

    std::string dir_;
    std::unique_ptr<nsqd::nsqd> daemon_;
    uint16_t port_ = 0;
};

TEST_F(persistence, overflow_goes_to_disk_and_every_message_survives_a_restart) {
    nsqd::options o;
    o.mem_queue_size = 100;
    start(o);
    {
        raw_client c = subscribe(port_, "big", "ch", -1);  // a channel, nobody consuming
    }
    publish_range("big", "m", 100000);
    restart(o);
    auto seen = consume("big", "ch", 100000);
    ASSERT_EQ(seen.size(), 100000u);
    for (const auto& [body, times] : seen) ASSERT_EQ(times, 1) << body;
}

TEST_F(persistence, mem_queue_size_zero_puts_everything_on_disk) {
    nsqd::options o;
    o.mem_queue_size = 0;
    start(o);
    publish_range("disk", "d", 1000);
    EXPECT_TRUE(std::filesystem::exists(dir_ + "/disk.diskqueue.000000.dat"));
    auto seen = consume("disk", "ch", 1000);
    EXPECT_EQ(seen.size(), 1000u);
}

TEST_F(persistence, in_flight_deferred_and_queued_messages_survive_a_clean_shutdown) {
    start();
    raw_client c = subscribe(port_, "keep", "ch", 5);
    publish_range("keep", "q", 20);  // 5 go in flight, 15 stay queued
    std::set<std::string> in_flight;
    for (int i = 0; i < 5; ++i) {
        auto m = c.read_message(5s);
        ASSERT_TRUE(m);
        in_flight.insert(m->body);
    }
    raw_client p = connect_v2(port_);
    p.send(cmd_with_body("DPUB keep 3600000", "deferred"));
    ASSERT_TRUE(p.expect_response("OK"));
    restart();
    auto seen = consume("keep", "ch", 20);
    EXPECT_EQ(seen.size(), 20u);
    for (const auto& body : in_flight) EXPECT_EQ(seen[body], 1) << body;
    // nsqpp keeps the 1 h due time across a clean restart (NSQ delivers it at once)
    EXPECT_EQ(seen["deferred"], 0);
}

TEST_F(persistence, redelivered_messages_keep_their_attempts_across_a_restart) {
    start();
    publish_range("att", "a", 1);
    {
        raw_client c = subscribe(port_, "att", "ch", 1);
        auto m = c.read_message(5s);
        ASSERT_TRUE(m);
        EXPECT_EQ(m->attempts, 1);
    }  // disconnects with the message in flight
    restart();
    raw_client c = subscribe(port_, "att", "ch", 1);
    auto m = c.read_message(5s);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->body, "a0");
    EXPECT_EQ(m->attempts, 2);
}

TEST_F(persistence, metadata_file_lists_topics_channels_and_paused_state) {
    start();
    { raw_client c = subscribe(port_, "meta", "ch", -1); }
    { raw_client c = subscribe(port_, "meta", "tmp#ephemeral", -1); }
    publish_range("solo", "s", 1);
    publish_range("gone#ephemeral", "e", 1);
    std::string dat = read_file(dir_ + "/nsqd.dat");
    EXPECT_EQ(
        dat,
        R"({"topics":[{"name":"meta","paused":false,"channels":[{"name":"ch","paused":false}]},)"
        R"({"name":"solo","paused":false,"channels":null}],"version":"1.3.0"})");
}

TEST_F(persistence, topics_channels_and_paused_flags_come_back) {
    std::ofstream(dir_ + "/nsqd.dat")
        << R"({"topics":[{"name":"t1","paused":true,"channels":[{"name":"c1","paused":false},)"
           R"({"name":"c2","paused":true}]},{"name":"t2","paused":false,"channels":null},)"
           R"({"name":"bad!name","paused":false,"channels":null}],"version":"1.3.0"})";
    start();
    // nsqd.dat is rewritten at start-up (the invalid topic dropped)
    EXPECT_EQ(read_file(dir_ + "/nsqd.dat"),
              R"({"topics":[{"name":"t1","paused":true,"channels":[{"name":"c1","paused":false},)"
              R"({"name":"c2","paused":true}]},{"name":"t2","paused":false,"channels":null}],)"
              R"("version":"1.3.0"})");
    // t1 is paused: a message published to it waits in the topic
    raw_client c = subscribe(port_, "t1", "c1", 10);
    publish_range("t1", "x", 1);
    EXPECT_TRUE(c.quiet_for(300ms));
}

TEST_F(persistence, unparsable_metadata_aborts_start_up) {
    std::ofstream(dir_ + "/nsqd.dat") << "{not json";
    nsqd::options o;
    try {
        start(o);
        FAIL() << "nsqd started with a corrupt nsqd.dat";
    } catch (const std::exception& e) {
        EXPECT_THAT(e.what(), ::testing::StartsWith("failed to parse metadata in "));
    }
}

TEST_F(persistence, a_second_nsqd_cannot_use_the_same_data_path) {
    start();
    try {
        auto second = start_nsqd_in(dir_);
        FAIL() << "two nsqd on one data path";
    } catch (const std::exception& e) {
        EXPECT_THAT(e.what(), ::testing::HasSubstr("failed to lock data-path"));
    }
}

}  // namespace
}  // namespace nsqpp::test
