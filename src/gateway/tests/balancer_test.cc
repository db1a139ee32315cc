// Balancers: sequences and distributions, down members skipped, consistent hash stability.
#include "gateway/balancer.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace nsqpp::gateway {
namespace {

std::vector<member_ptr> make_members(const std::vector<std::pair<std::string, int>>& spec) {
    std::vector<member_ptr> out;
    for (const auto& [addr, w] : spec) out.push_back(std::make_shared<member>(addr, w));
    return out;
}

std::string name_of(const std::vector<member_ptr>& ms, const member* m) {
    static const char* names[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
    for (size_t i = 0; i < ms.size(); ++i) {
        if (ms[i].get() == m) return names[i];
    }
    return m ? "?" : "-";
}

std::string sequence(balancer& b, int n, std::string_view key = "") {
    std::string out;
    for (int i = 0; i < n; ++i) {
        pick_request req;
        req.key = key;
        out += name_of(b.members(), b.pick(req));
    }
    return out;
}

TEST(Balancer, FactoryKnowsEveryNameAndRejectsOthers) {
    for (auto name : {"random", "round_robin", "weighted_round_robin", "swrr", "consistent_hash",
                      "hash", "least_connections", "least_conn"}) {
        EXPECT_TRUE(is_balancer_name(name));
        EXPECT_NE(make_balancer(name, make_members({{"127.0.0.1:1", 1}})), nullptr) << name;
    }
    EXPECT_FALSE(is_balancer_name("fastest"));
    EXPECT_THROW(make_balancer("fastest", {}), std::invalid_argument);
}

TEST(Balancer, EmptyPoolPicksNothing) {
    for (auto name : {"random", "round_robin", "swrr", "hash", "least_conn"}) {
        auto b = make_balancer(name, {});
        EXPECT_EQ(b->pick({}), nullptr) << name;
    }
}

TEST(Balancer, SmoothWeightedRoundRobinIsNginxSequence) {
    auto b = make_balancer("weighted_round_robin",
                           make_members({{"10.0.0.1:1", 5}, {"10.0.0.2:1", 1}, {"10.0.0.3:1", 1}}));
    EXPECT_EQ(sequence(*b, 7), "aabacaa");
    EXPECT_EQ(sequence(*b, 7), "aabacaa");  // the cycle repeats
    // Never a burst of five a's over a longer run.
    EXPECT_EQ(sequence(*b, 70).find("aaaaa"), std::string::npos);
}

TEST(Balancer, SmoothWeightedRoundRobinSkipsDownMembers) {
    auto ms = make_members({{"10.0.0.1:1", 5}, {"10.0.0.2:1", 1}, {"10.0.0.3:1", 1}});
    auto b = make_balancer("swrr", ms);
    ms[0]->set_probe_ok(false);
    EXPECT_EQ(sequence(*b, 6), "bcbcbc");
}

TEST(Balancer, RoundRobinCyclesAndSkipsDown) {
    auto ms = make_members({{"10.0.0.1:1", 1}, {"10.0.0.2:1", 1}, {"10.0.0.3:1", 1}});
    auto b = make_balancer("round_robin", ms);
    EXPECT_EQ(sequence(*b, 6), "abcabc");
    ms[1]->record_failure(1, std::chrono::hours(1));
    EXPECT_FALSE(ms[1]->available());
    std::string s = sequence(*b, 6);
    EXPECT_EQ(s.find('b'), std::string::npos) << s;
    EXPECT_GE(std::count(s.begin(), s.end(), 'a'), 2) << s;
    EXPECT_GE(std::count(s.begin(), s.end(), 'c'), 2) << s;
}

TEST(Balancer, ExcludedMembersAreSkipped) {
    auto ms = make_members({{"10.0.0.1:1", 1}, {"10.0.0.2:1", 1}});
    for (auto name : {"random", "round_robin", "swrr", "hash", "least_conn"}) {
        auto b = make_balancer(name, ms);
        for (int i = 0; i < 20; ++i) {
            std::string key = std::to_string(i);
            pick_request req;
            req.key = key;
            req.exclude = {ms[0].get()};
            EXPECT_EQ(b->pick(req), ms[1].get()) << name;
            req.exclude.push_back(ms[1].get());
            EXPECT_EQ(b->pick(req), nullptr) << name;
        }
    }
}

TEST(Balancer, RandomSpreadsOverEveryMember) {
    auto b = make_balancer("random",
                           make_members({{"10.0.0.1:1", 1}, {"10.0.0.2:1", 1}, {"10.0.0.3:1", 1}}));
    std::string s = sequence(*b, 3000);
    for (char c : {'a', 'b', 'c'}) {
        auto n = std::count(s.begin(), s.end(), c);
        EXPECT_GT(n, 800) << c;
        EXPECT_LT(n, 1200) << c;
    }
}

TEST(Balancer, LeastConnectionsPrefersIdleMembers) {
    auto ms = make_members({{"10.0.0.1:1", 1}, {"10.0.0.2:1", 1}, {"10.0.0.3:1", 1}});
    auto b = make_balancer("least_connections", ms);
    ms[0]->active = 5;
    ms[1]->active = 1;
    ms[2]->active = 3;
    EXPECT_EQ(sequence(*b, 4), "bbbb");
    ms[1]->set_probe_ok(false);
    EXPECT_EQ(sequence(*b, 2), "cc");
    // Weight scales capacity: 4 active on weight 4 beats 2 active on weight 1.
    auto ws = make_members({{"10.0.0.1:1", 4}, {"10.0.0.2:1", 1}});
    auto wb = make_balancer("least_conn", ws);
    ws[0]->active = 4;
    ws[1]->active = 2;
    EXPECT_EQ(sequence(*wb, 1), "a");
}

std::map<std::string, std::string> owners(balancer& b, int keys) {
    std::map<std::string, std::string> out;
    for (int i = 0; i < keys; ++i) {
        std::string key = "topic-" + std::to_string(i);
        pick_request req;
        req.key = key;
        member* m = b.pick(req);
        out[key] = m ? m->address() : "";
    }
    return out;
}

TEST(Balancer, ConsistentHashIsStableAndSpread) {
    auto ms = make_members({{"10.0.0.1:4151", 1},
                            {"10.0.0.2:4151", 1},
                            {"10.0.0.3:4151", 1},
                            {"10.0.0.4:4151", 1},
                            {"10.0.0.5:4151", 1}});
    auto b = make_balancer("consistent_hash", ms);
    auto first = owners(*b, 10000);
    EXPECT_EQ(owners(*b, 10000), first);  // same key, same member
    auto rebuilt = make_balancer("consistent_hash", make_members({{"10.0.0.1:4151", 1},
                                                                  {"10.0.0.2:4151", 1},
                                                                  {"10.0.0.3:4151", 1},
                                                                  {"10.0.0.4:4151", 1},
                                                                  {"10.0.0.5:4151", 1}}));
    EXPECT_EQ(owners(*rebuilt, 10000), first);  // depends on addresses only
    std::map<std::string, int> per_member;
    for (const auto& [k, m] : first) ++per_member[m];
    ASSERT_EQ(per_member.size(), 5u);
    for (const auto& [m, n] : per_member) {
        EXPECT_GT(n, 1400) << m;  // 2000 expected
        EXPECT_LT(n, 2600) << m;
    }
}

TEST(Balancer, ConsistentHashRemovingOneOfNMovesOnlyItsKeys) {
    const int n = 5, keys = 20000;
    std::vector<std::pair<std::string, int>> spec;
    for (int i = 1; i <= n; ++i) spec.push_back({"10.0.0." + std::to_string(i) + ":4151", 1});
    auto before = owners(*make_balancer("consistent_hash", make_members(spec)), keys);
    std::string removed = spec[2].first;
    spec.erase(spec.begin() + 2);
    auto after = owners(*make_balancer("consistent_hash", make_members(spec)), keys);
    int moved = 0;
    for (const auto& [k, m] : before) {
        if (after[k] != m) {
            ++moved;
            EXPECT_EQ(m, removed) << k << " moved from a remaining member";
        }
    }
    // About 1/N of the keys move: exactly the removed member's share.
    EXPECT_GT(moved, keys / n * 7 / 10);
    EXPECT_LT(moved, keys / n * 13 / 10);
}

TEST(Balancer, ConsistentHashDownMemberKeysGoToTheNextMemberOnly) {
    auto ms = make_members(
        {{"10.0.0.1:4151", 1}, {"10.0.0.2:4151", 1}, {"10.0.0.3:4151", 1}, {"10.0.0.4:4151", 1}});
    auto b = make_balancer("hash", ms);
    auto before = owners(*b, 8000);
    ms[1]->set_probe_ok(false);
    auto during = owners(*b, 8000);
    int moved = 0;
    for (const auto& [k, m] : before) {
        if (m == ms[1]->address()) {
            EXPECT_NE(during[k], m);
            ++moved;
        } else {
            EXPECT_EQ(during[k], m) << k;
        }
    }
    EXPECT_GT(moved, 1000);
    ms[1]->set_probe_ok(true);
    EXPECT_EQ(owners(*b, 8000), before);  // keys come back when the member does
}

TEST(Balancer, ConsistentHashWeightsScaleTheShare) {
    auto b = make_balancer("consistent_hash",
                           make_members({{"10.0.0.1:4151", 3}, {"10.0.0.2:4151", 1}}));
    std::map<std::string, int> per_member;
    for (const auto& [k, m] : owners(*b, 8000)) ++per_member[m];
    EXPECT_GT(per_member["10.0.0.1:4151"], 5000);  // 6000 expected
    EXPECT_LT(per_member["10.0.0.1:4151"], 7000);
}

TEST(Member, PassiveHealthCoolOff) {
    member m("127.0.0.1:80", 1);
    auto t0 = steady_clock::now();
    m.record_failure(3, std::chrono::seconds(10), t0);
    m.record_failure(3, std::chrono::seconds(10), t0);
    EXPECT_TRUE(m.available(t0));
    m.record_success();
    m.record_failure(3, std::chrono::seconds(10), t0);
    m.record_failure(3, std::chrono::seconds(10), t0);
    EXPECT_TRUE(m.available(t0));
    m.record_failure(3, std::chrono::seconds(10), t0);
    EXPECT_FALSE(m.available(t0 + std::chrono::seconds(9)));
    EXPECT_TRUE(m.available(t0 + std::chrono::seconds(11)));
    EXPECT_THROW(member("no-port", 1), std::invalid_argument);
}

}  // namespace
}  // namespace nsqpp::gateway
