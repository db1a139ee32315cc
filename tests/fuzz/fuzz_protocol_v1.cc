// libFuzzer target: arbitrary bytes through nsqlookupd's V1 parser and handlers, fed in chunks.
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/log.h"
#include "nsqlookupd/context.h"
#include "nsqlookupd/protocol_v1.h"

namespace {
nsqpp::nsqlookupd::context& shared_context() {
    static auto* ctx = new nsqpp::nsqlookupd::context(
        nsqpp::nsqlookupd::options{},
        nsqpp::base::make_logger("fuzz", "[fuzz] ", nsqpp::base::log_level::fatal));
    return *ctx;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& ctx = shared_context();
    nsqpp::nsqlookupd::client_v1 client;
    client.remote_address = "127.0.0.1:1234";
    std::string buffer;
    size_t chunk = size > 0 ? (data[0] % 13) + 1 : 1;
    bool drop = false;
    for (size_t pos = 0; pos < size && !drop && !client.close_after_flush;) {
        size_t n = std::min(chunk, size - pos);
        buffer.append(reinterpret_cast<const char*>(data) + pos, n);
        pos += n;
        if (buffer.size() < client.need_bytes) continue;
        size_t used = nsqpp::nsqlookupd::process_input(ctx, client, buffer, drop);
        if (used > buffer.size()) __builtin_trap();
        buffer.erase(0, used);
        client.out.clear();
    }
    if (!drop && !client.close_after_flush && !buffer.empty()) {
        client.input_closed = true;
        nsqpp::nsqlookupd::process_input(ctx, client, buffer, drop);
    }
    nsqpp::nsqlookupd::on_disconnect(ctx, client);
    return 0;
}
