// Message ID generation (spec §2.9) and its wire rendering.
#include "broker/guid.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "wire/message_id.h"

namespace nsqpp::broker {
namespace {

constexpr int64_t twepoch_ms = 1288834974288LL;  // NSQ's epoch, in ~1 ms ticks (ns >> 20)

// Unix time in ns whose tick (ns >> 20) is `twepoch + offset`, plus `extra_ns` within the tick.
int64_t ns_for_tick(int64_t offset, int64_t extra_ns = 0) {
    return ((twepoch_ms + offset) << 20) + extra_ns;
}

uint64_t expected_id(int64_t offset, uint64_t node, uint64_t seq) {
    return (static_cast<uint64_t>(offset) << 22) | (node << 12) | seq;
}

std::string hex(uint64_t v) {
    return std::string(wire::to_string_view(wire::format_message_id(v)));
}

TEST(guid, spec_example_node_5) {
    // spec §2.9: 18a7c835c1805000 -> t-epoch = 423576524550, node 5, sequence 0
    guid_factory f(5);
    auto id = f.next(ns_for_tick(423576524550));
    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(*id, 0x18a7c835c1805000ULL);
    EXPECT_EQ(hex(*id), "18a7c835c1805000");
}

TEST(guid, layout_time_node_sequence) {
    guid_factory f(1023);
    const int64_t off = 123456789;
    auto a = f.next(ns_for_tick(off));
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(*a, expected_id(off, 1023, 0));
    EXPECT_EQ(*a >> 22, static_cast<uint64_t>(off));
    EXPECT_EQ((*a >> 12) & 0x3ff, 1023u);
    EXPECT_EQ(*a & 0xfff, 0u);
}

TEST(guid, sequence_increments_within_a_tick_and_resets_on_next_tick) {
    guid_factory f(7);
    const int64_t off = 5000;
    EXPECT_EQ(f.next(ns_for_tick(off, 0)), expected_id(off, 7, 0));
    EXPECT_EQ(f.next(ns_for_tick(off, 1)), expected_id(off, 7, 1));        // same tick
    EXPECT_EQ(f.next(ns_for_tick(off, 1048575)), expected_id(off, 7, 2));  // last ns of tick
    EXPECT_EQ(f.next(ns_for_tick(off + 1)), expected_id(off + 1, 7, 0));   // new tick
    EXPECT_EQ(f.next(ns_for_tick(off + 1)), expected_id(off + 1, 7, 1));
    EXPECT_EQ(f.next(ns_for_tick(off + 10)), expected_id(off + 10, 7, 0));
}

TEST(guid, strictly_increasing) {
    guid_factory f(3);
    uint64_t last = 0;
    int64_t t = ns_for_tick(1000);
    for (int i = 0; i < 20000; ++i) {
        t += 100000;  // ~10 IDs per 1,048,576 ns tick
        auto id = f.next(t);
        ASSERT_TRUE(id.has_value()) << i;
        ASSERT_GT(*id, last) << i;
        last = *id;
    }
}

TEST(guid, sequence_exhaustion_within_a_tick_returns_nullopt) {
    guid_factory f(9);
    const int64_t off = 777;
    for (uint64_t seq = 0; seq < 4096; ++seq) {
        auto id = f.next(ns_for_tick(off));
        ASSERT_TRUE(id.has_value()) << seq;
        ASSERT_EQ(*id, expected_id(off, 9, seq));
    }
    EXPECT_FALSE(f.next(ns_for_tick(off)).has_value());
    EXPECT_FALSE(f.next(ns_for_tick(off, 500)).has_value());  // still the same tick
    // The next tick works again, starting at sequence 0.
    EXPECT_EQ(f.next(ns_for_tick(off + 1)), expected_id(off + 1, 9, 0));
}

TEST(guid, time_going_backwards_returns_nullopt) {
    guid_factory f(1);
    ASSERT_TRUE(f.next(ns_for_tick(2000)).has_value());
    EXPECT_FALSE(f.next(ns_for_tick(1999)).has_value());
    EXPECT_FALSE(f.next(ns_for_tick(1000)).has_value());
    // Back at (or after) the last tick: IDs resume, still increasing.
    EXPECT_EQ(f.next(ns_for_tick(2000)), expected_id(2000, 1, 1));
    EXPECT_EQ(f.next(ns_for_tick(2001)), expected_id(2001, 1, 0));
}

TEST(guid, next_unblocking_matches_next_in_the_normal_case) {
    guid_factory a(42);
    guid_factory b(42);
    for (int64_t off : {100, 100, 101, 105, 105, 105}) {
        auto expected = a.next(ns_for_tick(off));
        ASSERT_TRUE(expected.has_value());
        EXPECT_EQ(b.next_unblocking(ns_for_tick(off)), *expected) << off;
    }
}

TEST(guid, next_unblocking_borrows_the_next_tick_when_the_sequence_is_exhausted) {
    guid_factory f(9);
    const int64_t off = 777;
    for (uint64_t seq = 0; seq < 4096; ++seq) {
        ASSERT_EQ(f.next_unblocking(ns_for_tick(off)), expected_id(off, 9, seq)) << seq;
    }
    EXPECT_EQ(f.next_unblocking(ns_for_tick(off)), expected_id(off + 1, 9, 0));
    // The clock is still in the old tick: IDs continue in the borrowed one.
    EXPECT_EQ(f.next_unblocking(ns_for_tick(off)), expected_id(off + 1, 9, 1));
    EXPECT_EQ(f.next_unblocking(ns_for_tick(off + 1)), expected_id(off + 1, 9, 2));
    EXPECT_EQ(f.next_unblocking(ns_for_tick(off + 2)), expected_id(off + 2, 9, 0));
}

TEST(guid, next_unblocking_stays_increasing_when_time_goes_backwards) {
    guid_factory f(1);
    EXPECT_EQ(f.next_unblocking(ns_for_tick(2000)), expected_id(2000, 1, 0));
    EXPECT_EQ(f.next_unblocking(ns_for_tick(1999)), expected_id(2000, 1, 1));
    EXPECT_EQ(f.next_unblocking(ns_for_tick(1000)), expected_id(2000, 1, 2));
    EXPECT_EQ(f.next_unblocking(ns_for_tick(2001)), expected_id(2001, 1, 0));
}

TEST(guid, next_unblocking_is_strictly_increasing_under_bursts_and_jitter) {
    guid_factory f(1023);
    uint64_t last = 0;
    int64_t t = ns_for_tick(5000);
    for (int i = 0; i < 50000; ++i) {
        // Mostly a burst within one tick, sometimes a step back or forward.
        if (i % 997 == 0) t -= 3 << 20;
        if (i % 1499 == 0) t += 2 << 20;
        uint64_t id = f.next_unblocking(t);
        ASSERT_GT(id, last) << i;
        ASSERT_EQ((id >> 12) & 0x3ff, 1023u);
        last = id;
    }
}

TEST(guid, default_node_id_is_crc32_of_md5_mod_1024) {
    // Reference values: zlib.crc32(hashlib.md5(hostname).digest()) % 1024
    EXPECT_EQ(default_node_id("vm"), 617);
    EXPECT_EQ(default_node_id("localhost"), 16);
    EXPECT_EQ(default_node_id(""), 812);
    EXPECT_EQ(default_node_id("nsqd-1.example.com"), 995);
    for (const char* h : {"a", "b", "host", "x.y.z", "0123456789"}) {
        int64_t id = default_node_id(h);
        EXPECT_GE(id, 0) << h;
        EXPECT_LT(id, 1024) << h;
        EXPECT_EQ(id, default_node_id(h)) << h;
    }
}

TEST(message_id, format_is_16_lowercase_hex_zero_padded) {
    EXPECT_EQ(hex(0), "0000000000000000");
    EXPECT_EQ(hex(1), "0000000000000001");
    EXPECT_EQ(hex(0xABCDEFULL), "0000000000abcdef");
    EXPECT_EQ(hex(0x0123456789ABCDEFULL), "0123456789abcdef");
    EXPECT_EQ(hex(UINT64_MAX), "ffffffffffffffff");
    EXPECT_EQ(wire::format_message_id(0x18a7c835c1805000ULL).size(), 16u);
}

TEST(message_id, parse_round_trips) {
    for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{0x18a7c835c1805000ULL}, UINT64_MAX}) {
        EXPECT_EQ(wire::parse_message_id(hex(v)), v);
    }
    EXPECT_EQ(wire::parse_message_id("18A7C835C1805000"), 0x18a7c835c1805000ULL);
    EXPECT_FALSE(wire::parse_message_id("18a7c835c180500").has_value());    // 15 chars
    EXPECT_FALSE(wire::parse_message_id("18a7c835c1805000a").has_value());  // 17 chars
    EXPECT_FALSE(wire::parse_message_id("18a7c835c180500g").has_value());
}

}  // namespace
}  // namespace nsqpp::broker
