// The registration DB alone: keys, producers, wildcards, filters, tombstones, threads.
#include "nsqlookupd/registration_db.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace nsqpp::nsqlookupd {
namespace {

constexpr int64_t sec = 1'000'000'000;

std::shared_ptr<peer_info> make_peer(std::string id, std::string broadcast = "h1",
                                     int64_t http_port = 4151, unix_nanos last = 0) {
    auto p = std::make_shared<peer_info>();
    p->id = id;
    p->remote_address = std::move(id);
    p->broadcast_address = std::move(broadcast);
    p->tcp_port = 4150;
    p->http_port = http_port;
    p->version = "1.3.0";
    p->last_update = last;
    return p;
}

registration topic_key(std::string t) { return {"topic", std::move(t), ""}; }
registration channel_key(std::string t, std::string c) {
    return {"channel", std::move(t), std::move(c)};
}
const registration client_key{"client", "", ""};

std::vector<std::string> ids(const std::vector<producer>& ps) {
    std::vector<std::string> out;
    for (const auto& p : ps) out.push_back(p.peer->id);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> names(const std::vector<registration>& rs) {
    std::vector<std::string> out;
    for (const auto& r : rs) out.push_back(to_string(r));
    return out;
}

TEST(registration_db, add_producer_is_idempotent_per_id_and_keeps_the_first_entry) {
    registration_db db;
    auto a = make_peer("1.1.1.1:1");
    EXPECT_TRUE(db.add_producer(topic_key("t"), a));
    ASSERT_EQ(db.tombstone_topic_producers("t", "h1:4151", 5 * sec), 1u);
    auto a2 = make_peer("1.1.1.1:1", "other");
    EXPECT_FALSE(db.add_producer(topic_key("t"), a2));
    auto ps = db.find_producers("topic", "t", "");
    ASSERT_EQ(ps.size(), 1u);
    EXPECT_EQ(ps[0].peer, a);  // the existing entry, tombstone included
    EXPECT_TRUE(ps[0].tombstoned);
    EXPECT_EQ(ps[0].tombstoned_at, 5 * sec);
    EXPECT_TRUE(db.add_producer(topic_key("t"), make_peer("1.1.1.1:2")));
    EXPECT_EQ(db.find_producers("topic", "t", "").size(), 2u);
}

TEST(registration_db, keys_outlive_their_producers) {
    registration_db db;
    auto a = make_peer("a:1");
    db.add_producer(topic_key("t"), a);
    auto r = db.remove_producer(topic_key("t"), "a:1");
    EXPECT_TRUE(r.removed);
    EXPECT_EQ(r.left, 0u);
    EXPECT_EQ(names(db.find_registrations("topic", "t", "")), std::vector<std::string>{"topic:t:"});
    r = db.remove_producer(topic_key("t"), "a:1");
    EXPECT_FALSE(r.removed);
    r = db.remove_producer(topic_key("missing"), "a:1");
    EXPECT_FALSE(r.removed);
    EXPECT_EQ(r.left, 0u);
    EXPECT_TRUE(db.find_registrations("topic", "missing", "").empty());  // not created
}

TEST(registration_db, remove_producer_reports_the_producers_left) {
    registration_db db;
    db.add_producer(channel_key("t", "c"), make_peer("a:1"));
    db.add_producer(channel_key("t", "c"), make_peer("b:1"));
    auto r = db.remove_producer(channel_key("t", "c"), "a:1");
    EXPECT_TRUE(r.removed);
    EXPECT_EQ(r.left, 1u);
}

TEST(registration_db, add_registration_creates_an_empty_key_once) {
    registration_db db;
    db.add_registration(channel_key("t", "c"));
    db.add_producer(channel_key("t", "c"), make_peer("a:1"));
    db.add_registration(channel_key("t", "c"));  // keeps the producer
    EXPECT_EQ(db.find_producers("channel", "t", "c").size(), 1u);
    db.remove_registration(channel_key("t", "c"));
    EXPECT_TRUE(db.find_registrations("channel", "t", "c").empty());
    EXPECT_TRUE(db.find_producers("channel", "t", "c").empty());
    db.remove_registration(channel_key("t", "c"));  // no-op
}

TEST(registration_db, find_registrations_with_wildcards) {
    registration_db db;
    db.add_registration(topic_key("a"));
    db.add_registration(topic_key("ab"));
    db.add_registration(topic_key("a.b"));
    db.add_registration(channel_key("a", "c1"));
    db.add_registration(channel_key("a", "c2"));
    db.add_registration(channel_key("ab", "c1"));
    db.add_registration(client_key);

    EXPECT_EQ(names(db.find_registrations("channel", "a", "*")),
              (std::vector<std::string>{"channel:a:c1", "channel:a:c2"}));
    EXPECT_EQ(names(db.find_registrations("channel", "*", "c1")),
              (std::vector<std::string>{"channel:a:c1", "channel:ab:c1"}));
    EXPECT_EQ(names(db.find_registrations("channel", "*", "*")).size(), 3u);
    EXPECT_EQ(names(db.find_registrations("topic", "*", "")),
              (std::vector<std::string>{"topic:a:", "topic:a.b:", "topic:ab:"}));
    EXPECT_EQ(names(db.find_registrations("topic", "a", "")), std::vector<std::string>{"topic:a:"});
    EXPECT_TRUE(db.find_registrations("topic", "a", "*").size() == 1);
    EXPECT_TRUE(db.find_registrations("topic", "b", "").empty());
    EXPECT_TRUE(db.find_registrations("channel", "a", "c3").empty());
    EXPECT_EQ(names(db.find_registrations("client", "", "")), std::vector<std::string>{"client::"});
    EXPECT_TRUE(db.find_registrations("nope", "*", "*").empty());
}

TEST(registration_db, find_producers_deduplicates_ids_under_wildcards) {
    registration_db db;
    auto a = make_peer("a:1");
    auto b = make_peer("b:1");
    db.add_producer(channel_key("t", "c1"), a);
    db.add_producer(channel_key("t", "c2"), a);
    db.add_producer(channel_key("t", "c2"), b);
    db.add_producer(channel_key("u", "c1"), b);
    EXPECT_EQ(ids(db.find_producers("channel", "t", "*")),
              (std::vector<std::string>{"a:1", "b:1"}));
    EXPECT_EQ(ids(db.find_producers("channel", "*", "*")),
              (std::vector<std::string>{"a:1", "b:1"}));
    EXPECT_EQ(ids(db.find_producers("channel", "t", "c2")),
              (std::vector<std::string>{"a:1", "b:1"}));
    EXPECT_TRUE(db.find_producers("channel", "v", "*").empty());
}

TEST(registration_db, lookup_and_remove_everywhere_by_id) {
    registration_db db;
    auto a = make_peer("a:1");
    auto b = make_peer("b:1");
    db.add_producer(client_key, a);
    db.add_producer(client_key, b);
    db.add_producer(topic_key("t"), a);
    db.add_producer(channel_key("t", "c"), a);
    db.add_producer(topic_key("u"), b);
    EXPECT_EQ(names(db.lookup_registrations("a:1")),
              (std::vector<std::string>{"channel:t:c", "client::", "topic:t:"}));
    auto removed = db.remove_producer_everywhere("a:1");
    EXPECT_EQ(names(removed), (std::vector<std::string>{"channel:t:c", "client::", "topic:t:"}));
    EXPECT_TRUE(db.lookup_registrations("a:1").empty());
    EXPECT_EQ(names(db.lookup_registrations("b:1")),
              (std::vector<std::string>{"client::", "topic:u:"}));
    // keys stay, empty
    EXPECT_EQ(db.find_registrations("channel", "t", "c").size(), 1u);
    EXPECT_TRUE(db.find_producers("topic", "t", "").empty());
    EXPECT_TRUE(db.remove_producer_everywhere("a:1").empty());
}

TEST(registration_db, tombstones_are_per_topic_and_per_node) {
    registration_db db;
    auto a = make_peer("a:1", "h1", 4151);
    auto b = make_peer("b:1", "h2", 4151);
    auto c = make_peer("c:1", "h1", 5151);  // same host, other nsqd
    for (auto& p : {a, b, c}) {
        db.add_producer(topic_key("t"), p);
        db.add_producer(topic_key("u"), p);
    }
    EXPECT_EQ(db.tombstone_topic_producers("t", "h1:4151", 7 * sec), 1u);
    EXPECT_EQ(db.tombstone_topic_producers("t", "h1:9999", 7 * sec), 0u);
    EXPECT_EQ(db.tombstone_topic_producers("missing", "h1:4151", 7 * sec), 0u);
    for (const auto& p : db.find_producers("topic", "t", "")) {
        EXPECT_EQ(p.tombstoned, p.peer == a) << p.peer->id;
        EXPECT_EQ(p.tombstoned_at, p.peer == a ? 7 * sec : go_zero_time_unix_nanos);
    }
    for (const auto& p : db.find_producers("topic", "u", "")) EXPECT_FALSE(p.tombstoned);
}

TEST(registration_db, tombstone_wildcard_marks_one_entry_per_producer) {
    registration_db db;
    auto a = make_peer("a:1", "h1", 4151);
    db.add_producer(topic_key("t"), a);
    db.add_producer(topic_key("u"), a);
    EXPECT_EQ(db.tombstone_topic_producers("*", "h1:4151", sec), 1u);  // NSQ's FindProducers
}

TEST(registration_db, tombstone_filter_honours_the_lifetime) {
    producer p;
    p.peer = make_peer("a:1");
    EXPECT_FALSE(p.is_tombstoned(100 * sec, 45 * sec));
    p.tombstoned = true;
    p.tombstoned_at = 100 * sec;
    EXPECT_TRUE(p.is_tombstoned(100 * sec, 45 * sec));
    EXPECT_TRUE(p.is_tombstoned(145 * sec - 1, 45 * sec));
    EXPECT_FALSE(p.is_tombstoned(145 * sec, 45 * sec));  // strictly less than the lifetime
    EXPECT_FALSE(p.is_tombstoned(100 * sec, 0));         // /nodes' lifetime 0: never hidden
}

TEST(registration_db, active_filter_honours_the_inactivity_timeout) {
    producer p;
    p.peer = make_peer("a:1", "h1", 4151, 100 * sec);
    EXPECT_TRUE(p.is_active(100 * sec, 300 * sec, 45 * sec));
    EXPECT_TRUE(p.is_active(400 * sec, 300 * sec, 45 * sec));  // exactly the timeout: active
    EXPECT_FALSE(p.is_active(400 * sec + 1, 300 * sec, 45 * sec));
    p.peer->last_update = 400 * sec;  // a PING refreshes every entry sharing the peer
    EXPECT_TRUE(p.is_active(400 * sec + 1, 300 * sec, 45 * sec));
    p.tombstoned = true;
    p.tombstoned_at = 400 * sec;
    EXPECT_FALSE(p.is_active(400 * sec + 1, 300 * sec, 45 * sec));
    EXPECT_TRUE(p.is_active(445 * sec, 300 * sec, 45 * sec));
}

TEST(registration_db, dump_lists_every_key_with_its_producers) {
    registration_db db;
    db.add_registration(topic_key("empty"));
    db.add_producer(topic_key("t"), make_peer("a:1"));
    db.add_producer(topic_key("t"), make_peer("b:1"));
    auto d = db.dump();
    ASSERT_EQ(d.size(), 2u);
    EXPECT_EQ(to_string(d[0].first), "topic:empty:");
    EXPECT_TRUE(d[0].second.empty());
    EXPECT_EQ(to_string(d[1].first), "topic:t:");
    EXPECT_EQ(ids(d[1].second), (std::vector<std::string>{"a:1", "b:1"}));
}

TEST(registration_db, concurrent_writers_and_readers) {
    registration_db db;
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int w = 0; w < 3; ++w) {
        threads.emplace_back([&, w] {
            auto peer = make_peer("p:" + std::to_string(w));
            for (int i = 0; i < 2000; ++i) {
                std::string t = "t" + std::to_string(i % 7);
                db.add_producer(client_key, peer);
                db.add_producer(channel_key(t, "c"), peer);
                db.add_producer(topic_key(t), peer);
                db.tombstone_topic_producers(t, "h1:4151", i);
                if (i % 3 == 0) db.remove_producer(topic_key(t), peer->id);
                if (i % 11 == 0) db.remove_producer_everywhere(peer->id);
            }
        });
    }
    std::thread reader([&] {
        while (!stop) {
            (void)db.find_producers("topic", "*", "");
            (void)db.find_registrations("channel", "*", "*");
            (void)db.lookup_registrations("p:1");
            (void)db.dump();
        }
    });
    for (auto& t : threads) t.join();
    stop = true;
    reader.join();
    for (int w = 0; w < 3; ++w) db.remove_producer_everywhere("p:" + std::to_string(w));
    for (const auto& [key, ps] : db.dump()) EXPECT_TRUE(ps.empty()) << to_string(key);
}

}  // namespace
}  // namespace nsqpp::nsqlookupd
