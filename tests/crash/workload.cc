#include "tests/crash/workload.h"

#include <chrono>
#include <cstdlib>
#include <random>

#include "tests/support/raw_client.h"
#include "wire/frame.h"

namespace nsqpp::test {
namespace {
using namespace std::chrono_literals;

// A connection that may die with the daemon: no gtest failure on connection errors.
bool open_quietly(raw_client& c, uint16_t port) {
    if (!c.connect(port)) return false;
    return c.try_send("  V2");
}
}  // namespace

::testing::AssertionResult ledger::check() {
    std::lock_guard lock(mu);
    size_t missing = 0;
    std::string first_missing;
    for (const auto& b : acked) {
        if (!final_delivered.count(b) && !finished.count(b)) {
            if (missing++ == 0) first_missing = b;
        }
    }
    size_t invented = 0;
    std::string first_invented;
    for (const auto& b : delivered) {
        if (!attempted.count(b)) {
            if (invented++ == 0) first_invented = b;
        }
    }
    if (missing == 0 && invented == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << missing << " acknowledged messages never delivered (first: " << first_missing << "), "
           << invented << " delivered messages never published (first: " << first_invented << ")";
}

workload::workload(uint16_t port, ledger& l, uint64_t seed, int publishers, std::string tag,
                   bool consume)
    : port_(port), ledger_(l), seed_(seed), tag_(std::move(tag)) {
    for (int i = 0; i < publishers; ++i) threads_.emplace_back([this, i] { publisher(i); });
    if (consume) threads_.emplace_back([this] { consumer(); });
}

workload::~workload() { stop(); }

void workload::stop() {
    stop_ = true;
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
}

void workload::publisher(int index) {
    std::mt19937_64 rng(seed_ * 1000 + static_cast<uint64_t>(index));
    raw_client c;
    if (!open_quietly(c, port_)) return;
    uint64_t seq = 0;
    const std::string topic = crash_topic;
    while (!stop_) {
        std::vector<std::string> bodies;
        std::string command;
        int op = static_cast<int>(rng() % 10);
        auto body = [&] {
            return tag_ + "-p" + std::to_string(index) + "-" + std::to_string(seq++) + "-" +
                   std::string(rng() % 64, 'x');
        };
        if (op < 5) {
            bodies.push_back(body());
            command = cmd_with_body("PUB " + topic, bodies[0]);
        } else if (op < 8) {
            for (int i = 0, n = 1 + static_cast<int>(rng() % 20); i < n; ++i) {
                bodies.push_back(body());
            }
            command = cmd_with_body("MPUB " + topic, mpub_body(bodies));
        } else {
            bodies.push_back(body());
            command = cmd_with_body("DPUB " + topic + " " + std::to_string(rng() % 300), bodies[0]);
        }
        {
            std::lock_guard lock(ledger_.mu);
            ledger_.attempted.insert(bodies.begin(), bodies.end());
        }
        if (!c.try_send(command)) return;
        auto f = c.read_frame(10s);
        if (!f) return;  // the daemon died: this publish is not acknowledged
        if (f->type != wire::frame_type::response || f->data != "OK") {
            ADD_FAILURE() << "publish answered " << describe(*f);
            return;
        }
        std::lock_guard lock(ledger_.mu);
        ledger_.acked.insert(bodies.begin(), bodies.end());
    }
}

void workload::consumer() {
    std::mt19937_64 rng(seed_ * 7919);
    raw_client c;
    if (!open_quietly(c, port_)) return;
    if (!c.try_send(cmd(std::string("SUB ") + crash_topic + " " + crash_channel))) return;
    if (!c.try_send(cmd("RDY 50"))) return;
    while (!stop_) {
        auto f = c.read_frame(200ms);
        if (!f) {
            if (c.peer_closed()) return;
            continue;
        }
        if (f->type != wire::frame_type::message) continue;  // the SUB's OK
        auto m = wire::decode_message(f->data);
        if (!m) continue;
        {
            std::lock_guard lock(ledger_.mu);
            ledger_.delivered.insert(std::string(m->body));
            ++ledger_.deliveries;
        }
        // leave some unfinished: they must come back after the crash
        if (rng() % 10 < 7) {
            {
                std::lock_guard lock(ledger_.mu);
                ledger_.finished.insert(std::string(m->body));
            }
            if (!c.try_send(cmd("FIN " + std::string(m->id)))) return;
        }
    }
}

void drain(uint16_t port, ledger& l, std::chrono::milliseconds quiet) {
    raw_client c = subscribe(port, crash_topic, crash_channel, 2500);
    for (;;) {
        auto f = c.read_frame(quiet);
        if (!f) break;
        auto m = wire::decode_message(f->data);
        if (f->type != wire::frame_type::message || !m) {
            ADD_FAILURE() << "unexpected frame " << describe(*f);
            break;
        }
        {
            std::lock_guard lock(l.mu);
            l.delivered.insert(std::string(m->body));
            l.final_delivered.insert(std::string(m->body));
            ++l.deliveries;
        }
        c.try_send(cmd("FIN " + std::string(m->id)));
    }
}

int env_cycles(int fallback) {
    const char* v = std::getenv("CRASH_CYCLES");
    return v ? std::max(1, std::atoi(v)) : fallback;
}

uint64_t env_seed() {
    const char* v = std::getenv("CRASH_SEED");
    if (v) return std::strtoull(v, nullptr, 10);
    return static_cast<uint64_t>(std::random_device{}()) % 1000000;
}

}  // namespace nsqpp::test
