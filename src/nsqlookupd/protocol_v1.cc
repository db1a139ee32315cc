#include "nsqlookupd/protocol_v1.h"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

#include "config/go_syntax.h"
#include "nsqlookupd/identify_json.h"
#include "wire/endian.h"
#include "wire/names.h"
#include "wire/utf8.h"

namespace nsqpp::nsqlookupd {
namespace {

using params_t = std::vector<std::string_view>;

// What a handler made of the bytes after the command line.
struct outcome {
    enum kind { done, need_more, fatal } k = done;
    size_t bytes = 0;  // done: body bytes consumed; need_more: body bytes needed
    static outcome ok(size_t consumed = 0) { return {done, consumed}; }
    static outcome more(size_t needed) { return {need_more, needed}; }
    static outcome failed() { return {fatal, 0}; }
};

struct call {
    context& ctx;
    client_v1& c;
    const params_t& params;  // params[0] is the command name
    std::string_view body;   // everything after the command line's '\n'
};

outcome reply(client_v1& c, std::string_view data) {
    append_response(c.out, data);
    return outcome::ok();
}

// Every V1 error is fatal: the text is sent as a response, then the connection closes.
outcome fatal_error(context& ctx, client_v1& c, std::string_view text) {
    ctx.log->error("[{}] - {}", c.remote_address, text);
    append_response(c.out, text);
    c.close_after_flush = true;
    return outcome::failed();
}

// The body is incomplete: wait for `needed` bytes or, after the peer's EOF, fail.
outcome need(call& k, size_t needed, std::string_view eof_error) {
    if (k.c.input_closed) return fatal_error(k.ctx, k.c, eof_error);
    return outcome::more(needed);
}

bool is_space_rune(char32_t r) {
    switch (r) {
        case '\t':
        case '\n':
        case '\v':
        case '\f':
        case '\r':
        case ' ':
        case 0x85:
        case 0xA0:
        case 0x1680:
        case 0x2028:
        case 0x2029:
        case 0x202F:
        case 0x205F:
        case 0x3000:
            return true;
        default:
            return r >= 0x2000 && r <= 0x200A;
    }
}

void log_db(const call& k, std::string_view action, std::string_view category, std::string_view key,
            std::string_view subkey) {
    k.ctx.log->info("DB: client({}) {} category:{} key:{} subkey:{}", k.c.remote_address, action,
                    category, key, subkey);
}

// ---- commands ---------------------------------------------------------------------------

outcome cmd_ping(call& k) {
    if (k.c.peer) {  // a PING before IDENTIFY has no effect
        unix_nanos now = k.ctx.now();
        unix_nanos last = k.c.peer->last_update.exchange(now);
        k.ctx.log->info("CLIENT({}): pinged (last ping {})", k.c.peer->id,
                        config::format_go_duration(std::chrono::nanoseconds(now - last)));
    }
    return reply(k.c, "OK");
}

outcome cmd_identify(call& k) {
    if (k.c.peer) return fatal_error(k.ctx, k.c, "E_INVALID cannot IDENTIFY again");
    if (k.body.size() < 4) return need(k, 4, "E_BAD_BODY IDENTIFY failed to read body size");
    int32_t len = wire::get_i32be(k.body.data());
    if (len < 0) {
        return fatal_error(k.ctx, k.c,
                           fmt::format("E_BAD_BODY IDENTIFY invalid body size {}", len));
    }
    if (len > max_identify_body_size) {
        return fatal_error(
            k.ctx, k.c,
            fmt::format("E_BAD_BODY IDENTIFY body too big {} > {}", len, max_identify_body_size));
    }
    size_t total = 4 + static_cast<size_t>(len);
    if (k.body.size() < total) return need(k, total, "E_BAD_BODY IDENTIFY failed to read body");

    std::optional<identify_body> body = decode_identify(k.body.substr(4, len));
    if (!body) return fatal_error(k.ctx, k.c, "E_BAD_BODY IDENTIFY failed to decode JSON body");
    if (!body->complete()) return fatal_error(k.ctx, k.c, "E_BAD_BODY IDENTIFY missing fields");

    auto peer = std::make_shared<peer_info>();
    peer->id = k.c.remote_address;
    peer->remote_address = k.c.remote_address;  // a value sent by the client is overwritten
    peer->hostname = std::move(body->hostname);
    peer->broadcast_address = std::move(body->broadcast_address);
    peer->tcp_port = body->tcp_port;
    peer->http_port = body->http_port;
    peer->version = std::move(body->version);
    peer->last_update.store(k.ctx.now());
    k.ctx.log->info("CLIENT({}): IDENTIFY Address:{} TCP:{} HTTP:{} Version:{}", k.c.remote_address,
                    peer->broadcast_address, peer->tcp_port, peer->http_port, peer->version);
    k.c.peer = peer;
    if (k.ctx.db.add_producer({std::string(category_client), "", ""}, std::move(peer))) {
        log_db(k, "REGISTER", category_client, "", "");
    }
    append_response(k.c.out, identify_response_json(k.ctx));
    return outcome::ok(total);
}

// Go's getTopicChan: the topic is required, an empty channel means "no channel".
std::optional<outcome> topic_channel(call& k, std::string_view command, std::string& topic,
                                     std::string& channel) {
    if (k.params.size() < 2) {
        return fatal_error(k.ctx, k.c,
                           fmt::format("E_INVALID {} insufficient number of params", command));
    }
    topic = k.params[1];
    if (k.params.size() >= 3) channel = k.params[2];
    if (!wire::is_valid_topic_name(topic)) {
        return fatal_error(
            k.ctx, k.c, fmt::format("E_BAD_TOPIC {} topic name '{}' is not valid", command, topic));
    }
    if (!channel.empty() && !wire::is_valid_channel_name(channel)) {
        return fatal_error(
            k.ctx, k.c,
            fmt::format("E_BAD_CHANNEL {} channel name '{}' is not valid", command, channel));
    }
    return std::nullopt;
}

outcome cmd_register(call& k) {
    if (!k.c.peer) return fatal_error(k.ctx, k.c, "E_INVALID client must IDENTIFY");
    std::string topic, channel;
    if (auto err = topic_channel(k, "REGISTER", topic, channel)) return *err;
    if (!channel.empty()) {
        if (k.ctx.db.add_producer({std::string(category_channel), topic, channel}, k.c.peer)) {
            log_db(k, "REGISTER", category_channel, topic, channel);
        }
    }
    if (k.ctx.db.add_producer({std::string(category_topic), topic, ""}, k.c.peer)) {
        log_db(k, "REGISTER", category_topic, topic, "");
    }
    return reply(k.c, "OK");
}

outcome cmd_unregister(call& k) {
    if (!k.c.peer) return fatal_error(k.ctx, k.c, "E_INVALID client must IDENTIFY");
    std::string topic, channel;
    if (auto err = topic_channel(k, "UNREGISTER", topic, channel)) return *err;
    const std::string& id = k.c.peer->id;
    registration_db& db = k.ctx.db;
    if (!channel.empty()) {
        registration key{std::string(category_channel), topic, channel};
        auto r = db.remove_producer(key, id);
        if (r.removed) log_db(k, "UNREGISTER", category_channel, topic, channel);
        // an ephemeral channel goes away with its last producer
        if (r.left == 0 && wire::is_ephemeral(channel)) db.remove_registration(key);
        return reply(k.c, "OK");
    }
    // A topic unregistration: nsqd normally unregisters the channels first, hence the warning.
    for (const registration& r : db.find_registrations(category_channel, topic, wildcard)) {
        if (db.remove_producer(r, id).removed) {
            k.ctx.log->warn("client({}) unexpected UNREGISTER category:{} key:{} subkey:{}",
                            k.c.remote_address, category_channel, topic, r.subkey);
        }
    }
    registration key{std::string(category_topic), topic, ""};
    auto r = db.remove_producer(key, id);
    if (r.removed) log_db(k, "UNREGISTER", category_topic, topic, "");
    if (r.left == 0 && wire::is_ephemeral(topic)) db.remove_registration(key);
    return reply(k.c, "OK");
}

using handler_fn = outcome (*)(call&);

struct command {
    std::string_view name;
    handler_fn handler;
};

const command command_table[] = {
    {"PING", cmd_ping},
    {"IDENTIFY", cmd_identify},
    {"REGISTER", cmd_register},
    {"UNREGISTER", cmd_unregister},
};

handler_fn find_command(std::string_view name) {
    for (const command& c : command_table) {
        if (c.name == name) return c.handler;
    }
    return nullptr;
}

// strings.Split(line, " "): every single space separates (so "a  b" has an empty middle).
void split_params(std::string_view line, params_t& out) {
    out.clear();
    size_t start = 0;
    for (;;) {
        size_t sp = line.find(' ', start);
        if (sp == std::string_view::npos) {
            out.push_back(line.substr(start));
            return;
        }
        out.push_back(line.substr(start, sp - start));
        start = sp + 1;
    }
}

// The magic: 4 bytes, "  V1" or E_BAD_PROTOCOL. Returns the bytes consumed.
size_t read_magic(context& ctx, client_v1& c, std::string_view in) {
    if (in.size() < protocol_magic_v1.size()) {
        c.need_bytes = protocol_magic_v1.size();
        return 0;
    }
    std::string_view magic = in.substr(0, protocol_magic_v1.size());
    ctx.log->info("CLIENT({}): desired protocol magic '{}'", c.remote_address, magic);
    if (magic != protocol_magic_v1) {
        ctx.log->error("client({}) bad protocol magic '{}'", c.remote_address, magic);
        append_response(c.out, "E_BAD_PROTOCOL");
        c.close_after_flush = true;
    } else {
        c.magic_read = true;
    }
    return magic.size();
}

}  // namespace

void append_response(std::string& out, std::string_view data) {
    size_t at = out.size();
    out.resize(at + 4);
    wire::put_u32be(out.data() + at, static_cast<uint32_t>(data.size()));
    out.append(data);
}

std::string_view trim_space(std::string_view s) {
    while (!s.empty()) {
        wire::decoded_rune r = wire::decode_rune(s);
        if (!is_space_rune(r.rune) || r.width == 0) break;
        s.remove_prefix(r.width);
    }
    while (!s.empty()) {
        // the rune ending the string: the only width whose sequence decodes to exactly that
        size_t width = 0;
        char32_t rune = wire::rune_error;
        for (size_t w = 1; w <= 4 && w <= s.size(); ++w) {
            wire::decoded_rune r = wire::decode_rune(s.substr(s.size() - w));
            if (r.width == w && !(r.rune == wire::rune_error && w == 1)) {
                width = w;
                rune = r.rune;
                break;
            }
        }
        if (width == 0 || !is_space_rune(rune)) break;
        s.remove_suffix(width);
    }
    return s;
}

size_t process_input(context& ctx, client_v1& client, std::string_view in, bool& drop) {
    static thread_local params_t params;
    size_t pos = 0;
    client.need_bytes = 0;
    if (!client.magic_read) {
        pos = read_magic(ctx, client, in);
        if (!client.magic_read) return pos;
    }
    while (!client.close_after_flush && pos < in.size()) {
        std::string_view rest = in.substr(pos);
        size_t nl = rest.find('\n');
        if (nl == std::string_view::npos) {
            if (rest.size() >= max_line_length) drop = true;
            client.need_bytes = rest.size() + 1;
            break;
        }
        if (nl + 1 > max_line_length) {
            drop = true;
            break;
        }
        split_params(trim_space(rest.substr(0, nl)), params);
        handler_fn handler = find_command(params[0]);
        if (!handler) {
            fatal_error(ctx, client, fmt::format("E_INVALID invalid command {}", params[0]));
            pos += nl + 1;
            break;
        }
        call k{ctx, client, params, rest.substr(nl + 1)};
        outcome r = handler(k);
        if (r.k == outcome::need_more) {
            client.need_bytes = nl + 1 + r.bytes;
            break;
        }
        pos += nl + 1 + r.bytes;
    }
    return pos;
}

void on_disconnect(context& ctx, client_v1& client) {
    if (!client.peer) return;
    for (const registration& r : ctx.db.remove_producer_everywhere(client.peer->id)) {
        ctx.log->info("DB: client({}) UNREGISTER category:{} key:{} subkey:{}",
                      client.remote_address, r.category, r.key, r.subkey);
    }
}

}  // namespace nsqpp::nsqlookupd
