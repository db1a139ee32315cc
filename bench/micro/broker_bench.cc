// Micro benchmarks of the broker hot path: message allocation, topic::publish fan-out into
// channels, channel::take + finish, and the registry lookup every PUB does. 200-byte bodies.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <vector>

#include "broker/guid.h"
#include "broker/registry.h"
#include "broker/topic.h"

namespace {

using namespace nsqpp::broker;

constexpr size_t body_size = 200;
constexpr size_t big_queue = 10'000'000;
const std::string body(body_size, 'a');

class null_consumer : public consumer {
  public:
    void wake() override {}
    void close_from_channel() override {}
};

std::vector<message_ptr> make_batch(size_t n) {
    std::vector<message_ptr> v;
    v.reserve(n);
    for (size_t i = 0; i < n; ++i) v.push_back(message::create(body));
    return v;
}

// One allocation + copy of a 200-byte body.
void BM_message_create(benchmark::State& state) {
    for (auto _ : state) {
        auto m = message::create(body);
        benchmark::DoNotOptimize(m.get());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_message_create);

// topic::publish of a batch (MPUB of range(0) messages) into range(1) channels, no consumer.
// The channels are emptied (outside the timing) every 64 batches; message creation is timed,
// as in nsqd where every PUB allocates its messages. Rates use wall time: the ID generator
// sleeps 1 ms when a topic exhausts its 4096 IDs per 2^20 ns tick (as NSQ's does).
void BM_topic_publish(benchmark::State& state) {
    const auto batch = static_cast<size_t>(state.range(0));
    topic t("bench", big_queue, 1);
    std::vector<std::shared_ptr<channel>> chans;
    for (int64_t i = 0; i < state.range(1); ++i)
        chans.push_back(t.get_channel("ch" + std::to_string(i)));
    size_t n = 0;
    for (auto _ : state) {
        auto msgs = make_batch(batch);
        if (t.publish(msgs) != publish_error::none) state.SkipWithError("publish failed");
        if (++n % 64 == 0) {
            state.PauseTiming();
            for (auto& c : chans) c->empty();
            state.ResumeTiming();
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch));
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch * body_size));
}
BENCHMARK(BM_topic_publish)
    ->ArgsProduct({{1, 200}, {1, 2}})
    ->ArgNames({"batch", "channels"})
    ->UseRealTime();

// The whole broker round trip of a batch: create, publish into one channel, take (as a
// consumer with RDY 2500 would) and finish every message.
void BM_publish_take_finish(benchmark::State& state) {
    const auto batch = static_cast<size_t>(state.range(0));
    topic t("bench", big_queue, 1);
    auto ch = t.get_channel("ch");
    null_consumer nc;
    ch->add_consumer(1, &nc, 0);
    std::vector<delivery> out;
    out.reserve(batch);
    const auto timeout = std::chrono::seconds(60);
    for (auto _ : state) {
        auto msgs = make_batch(batch);
        t.publish(msgs);
        msgs.clear();
        out.clear();
        auto now = std::chrono::steady_clock::now();
        size_t got = 0;
        while (got < batch) got += ch->take(1, 2500, now, timeout, out);
        for (const auto& d : out) ch->finish(1, d.msg->id());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch));
}
BENCHMARK(BM_publish_take_finish)->Arg(1)->Arg(200)->ArgName("batch")->UseRealTime();

// channel::take + finish alone: the queue is refilled outside the timing.
void BM_channel_take_finish(benchmark::State& state) {
    const auto batch = static_cast<size_t>(state.range(0));
    topic t("bench", big_queue, 1);
    auto ch = t.get_channel("ch");
    null_consumer nc;
    ch->add_consumer(1, &nc, 0);
    std::vector<delivery> out;
    out.reserve(batch);
    const auto timeout = std::chrono::seconds(60);
    constexpr size_t refill = 100'000;
    size_t queued = 0;
    for (auto _ : state) {
        if (queued < batch) {
            state.PauseTiming();
            auto msgs = make_batch(refill);
            t.publish(msgs);
            queued += refill;
            state.ResumeTiming();
        }
        out.clear();
        auto now = std::chrono::steady_clock::now();
        size_t got = ch->take(1, static_cast<int64_t>(batch), now, timeout, out);
        queued -= got;
        for (const auto& d : out) ch->finish(1, d.msg->id());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch));
}
BENCHMARK(BM_channel_take_finish)->Arg(1)->Arg(200)->Arg(2500)->ArgName("batch");

// The per-topic ID generator alone (one clock read per ID; topics read it once per batch).
// It borrows the next tick instead of sleeping when a tick's 4096 IDs are used up.
void BM_guid_next_unblocking(benchmark::State& state) {
    guid_factory g(1);
    for (auto _ : state) {
        auto now = std::chrono::system_clock::now().time_since_epoch();
        benchmark::DoNotOptimize(
            g.next_unblocking(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count()));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_guid_next_unblocking)->UseRealTime();

// What a PUB/MPUB does before publishing: find the topic by name.
void BM_registry_get_topic(benchmark::State& state) {
    registry reg(registry_config{10000, 1});
    for (int i = 0; i < 16; ++i) reg.get_topic("topic" + std::to_string(i));
    const std::string name = "topic7";
    for (auto _ : state) {
        auto t = reg.get_topic(name);
        benchmark::DoNotOptimize(t.get());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_registry_get_topic);

}  // namespace
