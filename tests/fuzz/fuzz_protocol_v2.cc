// libFuzzer target: arbitrary bytes through the V2 command parser and handlers, fed in
// chunks as a socket would deliver them. Must never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/log.h"
#include "broker/consumer.h"
#include "nsqd/context.h"
#include "nsqd/protocol_v2.h"

namespace {
struct null_consumer : nsqpp::broker::consumer {
    void wake() override {}
    void close_from_channel() override {}
};

nsqpp::nsqd::context& shared_context() {
    static nsqpp::nsqd::context* ctx = [] {
        nsqpp::nsqd::options o;
        o.mem_queue_size = 64;
        o.max_body_size = 1 << 16;
        o.max_msg_size = 1 << 12;
        auto log = nsqpp::base::make_logger("fuzz", "[fuzz] ", nsqpp::base::log_level::fatal);
        return new nsqpp::nsqd::context(o, 1, log);
    }();
    return *ctx;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& ctx = shared_context();
    null_consumer self;
    nsqpp::nsqd::client_v2 client;
    client.id = 1;
    client.self = &self;
    nsqpp::nsqd::init_client(ctx, client);
    std::string buffer;
    size_t chunk = size > 0 ? (data[0] % 17) + 1 : 1;
    size_t pos = 0;
    auto now = std::chrono::steady_clock::now();
    while (pos < size && !client.close_after_flush) {
        size_t n = std::min(chunk, size - pos);
        buffer.append(reinterpret_cast<const char*>(data) + pos, n);
        pos += n;
        if (buffer.size() < client.need_bytes) continue;
        bool drop = false;
        size_t used = nsqpp::nsqd::process_input(ctx, client, buffer, now, drop);
        if (used > buffer.size()) __builtin_trap();
        buffer.erase(0, used);
        if (drop) break;
        if (client.state == nsqpp::nsqd::client_state::subscribed && client.ready_count > 0) {
            std::vector<nsqpp::broker::delivery> out;
            client.sub_channel->take(client.id, client.ready_count, now, client.msg_timeout, out);
        }
        client.out.clear();
    }
    nsqpp::nsqd::unsubscribe(ctx, client);
    // keep memory bounded across runs
    for (auto& t : ctx.topics.topics()) ctx.topics.delete_topic(t->name());
    return 0;
}
