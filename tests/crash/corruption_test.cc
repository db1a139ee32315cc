// Crash suite (3): disk corruption. Bits flipped in synced records and a sealed segment cut in
// the middle: the restart reports the damage (log line) and delivers every other message.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "durable/payload.h"
#include "durable/record.h"
#include "tests/crash/daemon.h"
#include "tests/crash/workload.h"
#include "tests/support/raw_client.h"
#include "tests/support/test_nsqd.h"

#ifndef NSQD_BIN
#error "NSQD_BIN must be defined"
#endif

namespace nsqpp::test {
namespace {
using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct published_record {
    durable::record_view r;
    std::vector<std::string> bodies;
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> segments(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir + "/durable")) {
        if (e.path().extension() == ".seg") out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// The publish records of a segment, with their bodies; `max_watermark` is set to the highest
// watermark any record carries.
std::vector<published_record> publishes(const std::string& data, uint64_t& max_watermark) {
    std::vector<published_record> out;
    auto scan = durable::scan_segment(data);
    for (const auto& r : scan.records) {
        max_watermark = std::max(max_watermark, r.watermark);
        durable::payload_reader p(r.payload);
        if (p.u8() != static_cast<uint8_t>(durable::record_type::publish)) continue;
        p.str();
        p.i64();
        published_record pr{r, {}};
        for (uint32_t i = 0, n = p.u32(); i < n && !p.failed(); ++i) {
            p.u64();
            p.i64();
            pr.bodies.emplace_back(p.bytes());
        }
        out.push_back(std::move(pr));
    }
    return out;
}

void publish_each(uint16_t port, const std::string& prefix, int n, ledger& l) {
    raw_client c = connect_v2(port);
    for (int i = 0; i < n; ++i) {
        std::string body = prefix + std::to_string(i);
        c.send(cmd_with_body(std::string("PUB ") + crash_topic, body));
        ASSERT_TRUE(c.expect_response("OK"));
        l.acked.insert(body);
        l.attempted.insert(body);
    }
}

std::string new_data_dir() {
    std::string dir = make_temp_dir() + "/data";
    fs::create_directories(dir);
    return dir;
}

void kill_9(durable_daemon& d) {
    d.proc->signal(SIGKILL);
    EXPECT_EQ(d.proc->wait(10s), -SIGKILL);
}

TEST(crash_corruption, flipped_bits_lose_only_the_damaged_records) {
    const uint64_t seed = env_seed();
    const int cycles = env_cycles(2);
    std::printf("[crash corruption flips] cycles=%d seed=%llu\n", cycles,
                static_cast<unsigned long long>(seed));
    for (int cycle = 0; cycle < cycles; ++cycle) {
        std::mt19937_64 rng(seed + static_cast<uint64_t>(cycle));
        std::string dir = new_data_dir();
        ledger l;
        auto d = start_durable(NSQD_BIN, dir, 0);
        ASSERT_NE(d.port, 0);
        publish_each(d.port, "m", 200, l);
        kill_9(d);

        auto segs = segments(dir);
        ASSERT_EQ(segs.size(), 1u);
        std::string data = read_file(segs[0]);
        uint64_t wm = 0;
        auto recs = publishes(data, wm);
        std::vector<size_t> candidates;
        for (size_t i = 0; i < recs.size(); ++i) {
            if (recs[i].r.lsn < wm) candidates.push_back(i);
        }
        ASSERT_GE(candidates.size(), 150u);
        std::shuffle(candidates.begin(), candidates.end(), rng);
        std::set<std::string> damaged;
        // Damaged records next to each other form one corrupt region.
        std::vector<size_t> hit(candidates.begin(), candidates.begin() + 3);
        std::sort(hit.begin(), hit.end());
        size_t regions = 1;
        for (size_t k = 1; k < hit.size(); ++k) regions += hit[k] != hit[k - 1] + 1 ? 1 : 0;
        for (size_t k = 0; k < 3; ++k) {
            const auto& r = recs[candidates[k]].r;
            size_t byte = r.begin + rng() % (r.end - r.begin);
            data[byte] = static_cast<char>(data[byte] ^ (1 << (rng() % 8)));
            for (const auto& b : recs[candidates[k]].bodies) damaged.insert(b);
        }
        std::ofstream(segs[0], std::ios::binary | std::ios::trunc) << data;

        d = start_durable(NSQD_BIN, dir, 1, {"--http-address=127.0.0.1:0"});
        ASSERT_NE(d.port, 0);
        auto http = d.proc->wait_for_port("HTTP", 10s);
        ASSERT_TRUE(http);
        // reported in /stats and /metrics
        std::string stats = http_get(*http, "/stats?format=json");
        const std::string counts =
            "\"durable\":{\"corruptions\":" + std::to_string(regions) + ",\"lost_records\":3,";
        EXPECT_NE(stats.find(counts), std::string::npos) << stats;
        std::string metrics = http_get(*http, "/metrics");
        EXPECT_NE(metrics.find("\nnsqpp_durable_corruptions " + std::to_string(regions) + "\n"),
                  std::string::npos)
            << metrics;
        drain(d.port, l, 2s);
        std::string log = d.proc->log();
        EXPECT_NE(log.find("DURABLE: corruption"), std::string::npos) << log;
        EXPECT_NE(log.find(std::to_string(regions) + " corrupt region"), std::string::npos) << log;
        for (const auto& b : l.acked) {
            EXPECT_EQ(l.final_delivered.count(b), damaged.count(b) ? 0u : 1u) << b;
        }
        EXPECT_EQ(l.final_delivered.size(), l.acked.size() - damaged.size());
        d.proc->signal(SIGTERM);
        EXPECT_EQ(d.proc->wait(10s), 0);
    }
}

TEST(crash_corruption, cut_sealed_segment_loses_only_its_tail) {
    std::string dir = new_data_dir();
    ledger l;
    auto d = start_durable(NSQD_BIN, dir, 0);
    ASSERT_NE(d.port, 0);
    publish_each(d.port, "m", 100, l);
    kill_9(d);
    d = start_durable(NSQD_BIN, dir, 1);  // appends go to a second segment
    ASSERT_NE(d.port, 0);
    publish_each(d.port, "n", 100, l);
    kill_9(d);

    auto segs = segments(dir);
    ASSERT_EQ(segs.size(), 2u);
    std::string data = read_file(segs[0]);
    uint64_t wm = 0;
    auto recs = publishes(data, wm);
    ASSERT_EQ(recs.size(), 100u);
    std::set<std::string> lost;
    for (size_t i = 50; i < recs.size(); ++i) {
        for (const auto& b : recs[i].bodies) lost.insert(b);
    }
    fs::resize_file(segs[0], recs[50].r.begin + 13);  // mid-header of the 51st message

    d = start_durable(NSQD_BIN, dir, 2);
    ASSERT_NE(d.port, 0);
    drain(d.port, l, 2s);
    std::string log = d.proc->log();
    EXPECT_NE(log.find("DURABLE: corruption"), std::string::npos) << log;
    EXPECT_EQ(lost.size(), 50u);
    for (const auto& b : l.acked) {
        EXPECT_EQ(l.final_delivered.count(b), lost.count(b) ? 0u : 1u) << b;
    }
}

}  // namespace
}  // namespace nsqpp::test
