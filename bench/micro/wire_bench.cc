// Micro benchmarks of the wire codecs on the delivery path: the 34-byte message frame prefix,
// message ID formatting, and decoding frames as a client would.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "wire/frame.h"
#include "wire/message_id.h"

namespace {

using namespace nsqpp::wire;

// The prefix written before every delivered body (then writev'd with the body).
void BM_encode_message_frame_prefix(benchmark::State& state) {
    char out[message_frame_prefix_size];
    const message_id id = format_message_id(0x18a7c835c1805000ULL);
    int64_t ts = 1700000000000000000LL;
    for (auto _ : state) {
        encode_message_frame_prefix(out, 200, ts++, 1, id.data());
        benchmark::DoNotOptimize(out);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_encode_message_frame_prefix);

// A batch of 200 deliveries encoded into one contiguous per-connection buffer: prefix + copy
// of a 200-byte body each (the alternative to writev of prefix + shared body).
void BM_encode_message_frames_copy(benchmark::State& state) {
    const std::string body(200, 'a');
    const message_id id = format_message_id(0x18a7c835c1805000ULL);
    std::string buf;
    buf.reserve(200 * (message_frame_prefix_size + body.size()));
    for (auto _ : state) {
        buf.clear();
        for (int i = 0; i < 200; ++i) {
            size_t at = buf.size();
            buf.resize(at + message_frame_prefix_size);
            encode_message_frame_prefix(buf.data() + at, 200, i, 1, id.data());
            buf.append(body);
        }
        benchmark::DoNotOptimize(buf.data());
    }
    state.SetItemsProcessed(state.iterations() * 200);
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(buf.size()));
}
BENCHMARK(BM_encode_message_frames_copy);

void BM_format_message_id(benchmark::State& state) {
    uint64_t v = 0x18a7c835c1805000ULL;
    for (auto _ : state) {
        auto id = format_message_id(v++);
        benchmark::DoNotOptimize(id);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_format_message_id);

// A client's view: split a buffer of 200 message frames.
void BM_decode_message_frames(benchmark::State& state) {
    const std::string body(200, 'a');
    const message_id id = format_message_id(0x18a7c835c1805000ULL);
    std::string buf;
    for (int i = 0; i < 200; ++i) {
        size_t at = buf.size();
        buf.resize(at + message_frame_prefix_size);
        encode_message_frame_prefix(buf.data() + at, 200, i, 1, id.data());
        buf.append(body);
    }
    for (auto _ : state) {
        std::string_view rest = buf;
        size_t n = 0;
        size_t consumed = 0;
        while (auto f = decode_frame(rest, consumed)) {
            auto m = decode_message(f->data);
            benchmark::DoNotOptimize(m);
            rest.remove_prefix(consumed);
            ++n;
        }
        benchmark::DoNotOptimize(n);
    }
    state.SetItemsProcessed(state.iterations() * 200);
}
BENCHMARK(BM_decode_message_frames);

}  // namespace
