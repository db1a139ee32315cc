// protocol_v1 without sockets: every reply and error of spec §3, input split at every byte.
#include "nsqlookupd/protocol_v1.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "base/log.h"
#include "wire/endian.h"

namespace nsqpp::nsqlookupd {
namespace {

constexpr int64_t sec = 1'000'000'000;
const std::string identify_json =
    R"({"broadcast_address":"h1.example","hostname":"h1","http_port":4151,"tcp_port":4150,)"
    R"("version":"1.3.0"})";
const std::string identify_reply =
    R"({"broadcast_address":"lk1","hostname":"lk-host","http_port":4161,"tcp_port":4160,)"
    R"("version":"1.3.0"})";

std::string be32(int32_t v) {
    std::string s(4, '\0');
    wire::put_u32be(s.data(), static_cast<uint32_t>(v));
    return s;
}

std::string identify(std::string_view json) {
    return "IDENTIFY\n" + be32(static_cast<int32_t>(json.size())) + std::string(json);
}

// One connection's protocol state fed the way connection.cc feeds it.
struct session {
    unix_nanos now = 1000 * sec;
    context ctx;
    client_v1 client;
    std::vector<std::string> replies;
    bool closed = false;  // fatal error: replies flushed, then closed
    bool dropped = false;

    explicit session(options o = {}) : ctx(std::move(o), base::get_logger("nsqlookupd")) {
        client.remote_address = "10.0.0.5:51996";
        ctx.hostname = "lk-host";
        ctx.broadcast_address = "lk1";
        ctx.tcp_port = 4160;
        ctx.http_port = 4161;
        ctx.clock = [this] { return now; };
    }
    session(const session&) = delete;

    void take_replies() {
        std::string_view out = client.out;
        while (out.size() >= 4) {
            uint32_t n = wire::get_u32be(out.data());
            ASSERT_GE(out.size(), 4 + n);
            replies.emplace_back(out.substr(4, n));
            out.remove_prefix(4 + n);
        }
        ASSERT_TRUE(out.empty());
        client.out.clear();
    }

    // Feeds `input` in pieces of `chunk` bytes; with `eof` the peer then closes its side.
    void feed(std::string_view input, size_t chunk = SIZE_MAX, bool eof = false) {
        std::string buf;
        for (size_t i = 0; i < input.size() && !closed && !dropped; i += chunk) {
            buf.append(input.substr(i, std::min(chunk, input.size() - i)));
            bool drop = false;
            size_t used = process_input(ctx, client, buf, drop);
            ASSERT_LE(used, buf.size());
            buf.erase(0, used);
            take_replies();
            if (drop) dropped = true;
            if (client.close_after_flush) closed = true;
            if (!closed && !dropped && !buf.empty()) {
                ASSERT_GT(client.need_bytes, buf.size());
            }
        }
        if (eof && !closed && !dropped && client.magic_read && !buf.empty()) {
            client.input_closed = true;
            bool drop = false;
            process_input(ctx, client, buf, drop);
            take_replies();
            if (client.close_after_flush) closed = true;
        }
    }

    std::vector<std::string> state() const {
        std::vector<std::string> out;
        for (const auto& [key, ps] : ctx.db.dump()) {
            std::string line = to_string(key);
            for (const auto& p : ps) line += " " + p.peer->id;
            out.push_back(line);
        }
        return out;
    }
};

// Replies of `input` in one piece.
std::vector<std::string> run(std::string_view input) {
    session s;
    s.feed(input);
    return s.replies;
}

// The fatal error `input` produces (after any earlier replies), checking the close.
std::string fatal_of(std::string_view input) {
    session s;
    s.feed(input, SIZE_MAX, true);
    EXPECT_TRUE(s.closed) << input;
    return s.replies.empty() ? "<none>" : s.replies.back();
}

const std::string magic = "  V1";
const std::string identified = magic + identify(identify_json);

TEST(protocol_v1, full_session_split_at_every_byte) {
    const std::string input = identified +
                              "REGISTER clicks archive\n"
                              "PING\n"
                              "REGISTER clicks\n"
                              "REGISTER eph#ephemeral c#ephemeral\n"
                              "UNREGISTER eph#ephemeral c#ephemeral\n"
                              "UNREGISTER eph#ephemeral\n"
                              "UNREGISTER clicks archive\n"
                              "REGISTER clicks metrics\n";
    const std::vector<std::string> expected = {identify_reply, "OK", "OK", "OK", "OK",
                                               "OK",           "OK", "OK", "OK"};
    session whole;
    whole.feed(input);
    EXPECT_EQ(whole.replies, expected);
    const std::vector<std::string> state = {
        "channel:clicks:archive", "channel:clicks:metrics 10.0.0.5:51996",
        "client:: 10.0.0.5:51996", "topic:clicks: 10.0.0.5:51996"};
    EXPECT_EQ(whole.state(), state);
    for (size_t chunk = 1; chunk < input.size(); ++chunk) {
        session s;
        s.feed(input, chunk);
        EXPECT_EQ(s.replies, expected) << "chunk " << chunk;
        EXPECT_EQ(s.state(), state) << "chunk " << chunk;
        EXPECT_FALSE(s.closed);
    }
}

TEST(protocol_v1, errors_split_at_every_byte) {
    const std::string input = identified + "REGISTER bad! c\nPING\n";
    for (size_t chunk = 1; chunk <= input.size(); ++chunk) {
        session s;
        s.feed(input, chunk);
        ASSERT_TRUE(s.closed) << chunk;
        EXPECT_EQ(s.replies,
                  (std::vector<std::string>{identify_reply,
                                            "E_BAD_TOPIC REGISTER topic name 'bad!' is not valid"}))
            << chunk;
    }
}

TEST(protocol_v1, magic) {
    EXPECT_EQ(run("  V1PING\n"), std::vector<std::string>{"OK"});
    EXPECT_EQ(fatal_of("  V2PING\n"), "E_BAD_PROTOCOL");
    EXPECT_EQ(fatal_of("GET / HTTP/1.1\r\n"), "E_BAD_PROTOCOL");
    session s;
    s.feed("  V", 1, true);  // closed before 4 bytes: no reply
    EXPECT_TRUE(s.replies.empty());
    EXPECT_FALSE(s.closed);
}

TEST(protocol_v1, ping_before_and_after_identify) {
    session s;
    s.feed(magic + "PING\n");
    EXPECT_EQ(s.replies, std::vector<std::string>{"OK"});
    EXPECT_TRUE(s.ctx.db.dump().empty());  // no effect before IDENTIFY
    s.feed(identify(identify_json));
    ASSERT_TRUE(s.client.peer);
    EXPECT_EQ(s.client.peer->last_update.load(), 1000 * sec);
    s.now = 1015 * sec;
    s.feed("PING\n");
    EXPECT_EQ(s.client.peer->last_update.load(), 1015 * sec);
    s.now = 1020 * sec;
    s.feed("REGISTER t\nUNREGISTER t\n");  // only IDENTIFY and PING refresh
    EXPECT_EQ(s.client.peer->last_update.load(), 1015 * sec);
    EXPECT_EQ(s.replies.size(), 5u);
}

TEST(protocol_v1, command_lines_are_trimmed_and_split_on_single_spaces) {
    EXPECT_EQ(run(magic + "PING\r\n"), std::vector<std::string>{"OK"});
    EXPECT_EQ(run(magic + " \t PING  \n"), std::vector<std::string>{"OK"});
    EXPECT_EQ(run(magic + "PING extra params\n"), std::vector<std::string>{"OK"});
    EXPECT_EQ(run(magic + "\xc2\xa0PING\xe3\x80\x80\n"), std::vector<std::string>{"OK"});
    EXPECT_EQ(fatal_of(magic + "ping\n"), "E_INVALID invalid command ping");
    EXPECT_EQ(fatal_of(magic + "\n"), "E_INVALID invalid command ");
    EXPECT_EQ(fatal_of(magic + "NOP\n"), "E_INVALID invalid command NOP");
    EXPECT_EQ(fatal_of(magic + "PING\xc2\n"), "E_INVALID invalid command PING\xc2");
    // "REGISTER  t": the first parameter is empty
    EXPECT_EQ(fatal_of(identified + "REGISTER  t\n"),
              "E_BAD_TOPIC REGISTER topic name '' is not valid");
    // "REGISTER t  c": the channel parameter is empty, i.e. no channel
    session s;
    s.feed(identified + "REGISTER t  c\n");
    EXPECT_EQ(s.replies.back(), "OK");
    EXPECT_EQ(s.state(),
              (std::vector<std::string>{"client:: 10.0.0.5:51996", "topic:t: 10.0.0.5:51996"}));
}

TEST(protocol_v1, trim_space_is_go_strings_trim_space) {
    EXPECT_EQ(trim_space(""), "");
    EXPECT_EQ(trim_space(" \t\r\n\v\f"), "");
    EXPECT_EQ(trim_space("\xe2\x80\x80x y\xe2\x80\xa9\xc2\x85"), "x y");
    EXPECT_EQ(trim_space("x\xc2"), "x\xc2");                  // invalid UTF-8 is not space
    EXPECT_EQ(trim_space("\xe2\x80\x8bx"), "\xe2\x80\x8bx");  // U+200B is not white space
}

TEST(protocol_v1, register_and_unregister_need_identify) {
    EXPECT_EQ(fatal_of(magic + "REGISTER t c\n"), "E_INVALID client must IDENTIFY");
    EXPECT_EQ(fatal_of(magic + "UNREGISTER t\n"), "E_INVALID client must IDENTIFY");
}

TEST(protocol_v1, parameter_errors) {
    EXPECT_EQ(fatal_of(identified + "REGISTER\n"),
              "E_INVALID REGISTER insufficient number of params");
    EXPECT_EQ(fatal_of(identified + "UNREGISTER\n"),
              "E_INVALID UNREGISTER insufficient number of params");
    EXPECT_EQ(fatal_of(identified + "REGISTER bad!\n"),
              "E_BAD_TOPIC REGISTER topic name 'bad!' is not valid");
    EXPECT_EQ(fatal_of(identified + "UNREGISTER " + std::string(65, 'x') + "\n"),
              "E_BAD_TOPIC UNREGISTER topic name '" + std::string(65, 'x') + "' is not valid");
    EXPECT_EQ(fatal_of(identified + "REGISTER t bad*\n"),
              "E_BAD_CHANNEL REGISTER channel name 'bad*' is not valid");
    EXPECT_EQ(fatal_of(identified + "UNREGISTER t c#eph\n"),
              "E_BAD_CHANNEL UNREGISTER channel name 'c#eph' is not valid");
}

TEST(protocol_v1, identify_reply_and_peer_info) {
    session s;
    s.feed(magic + identify(R"({"broadcast_address":"b","hostname":"h","http_port":2,)"
                            R"("tcp_port":1,"version":"v","remote_address":"1.2.3.4:5"})"));
    ASSERT_EQ(s.replies, std::vector<std::string>{identify_reply});
    ASSERT_TRUE(s.client.peer);
    const peer_info& p = *s.client.peer;
    EXPECT_EQ(p.id, "10.0.0.5:51996");
    EXPECT_EQ(p.remote_address, "10.0.0.5:51996");  // the client's value is overwritten
    EXPECT_EQ(p.hostname, "h");
    EXPECT_EQ(p.broadcast_address, "b");
    EXPECT_EQ(p.tcp_port, 1);
    EXPECT_EQ(p.http_port, 2);
    EXPECT_EQ(p.version, "v");
    EXPECT_EQ(s.state(), std::vector<std::string>{"client:: 10.0.0.5:51996"});
}

TEST(protocol_v1, identify_errors) {
    EXPECT_EQ(fatal_of(identified + identify(identify_json)), "E_INVALID cannot IDENTIFY again");
    EXPECT_EQ(fatal_of(magic + "IDENTIFY\n" + be32(3) + "{}}"),
              "E_BAD_BODY IDENTIFY failed to decode JSON body");
    EXPECT_EQ(fatal_of(magic + identify("")), "E_BAD_BODY IDENTIFY failed to decode JSON body");
    EXPECT_EQ(fatal_of(magic + identify(R"({"tcp_port":"4150"})")),
              "E_BAD_BODY IDENTIFY failed to decode JSON body");
    EXPECT_EQ(fatal_of(magic + "IDENTIFY\n" + be32(-1)),
              "E_BAD_BODY IDENTIFY invalid body size -1");
    EXPECT_EQ(fatal_of(magic + "IDENTIFY\n" + be32(max_identify_body_size + 1)),
              "E_BAD_BODY IDENTIFY body too big 1048577 > 1048576");
    // the peer closes before the size or the whole body arrived
    EXPECT_EQ(fatal_of(magic + "IDENTIFY\n" + std::string(2, '\0')),
              "E_BAD_BODY IDENTIFY failed to read body size");
    EXPECT_EQ(fatal_of(magic + "IDENTIFY\n"), "E_BAD_BODY IDENTIFY failed to read body size");
    EXPECT_EQ(fatal_of(magic + "IDENTIFY\n" + be32(10) + "{}"),
              "E_BAD_BODY IDENTIFY failed to read body");
}

TEST(protocol_v1, identify_requires_every_field) {
    const char* bodies[] = {
        R"({"hostname":"h","http_port":2,"tcp_port":1,"version":"v"})",
        R"({"broadcast_address":"","hostname":"h","http_port":2,"tcp_port":1,"version":"v"})",
        R"({"broadcast_address":"b","http_port":2,"tcp_port":0,"version":"v"})",
        R"({"broadcast_address":"b","http_port":2,"version":"v"})",
        R"({"broadcast_address":"b","tcp_port":1,"version":"v"})",
        R"({"broadcast_address":"b","http_port":2,"tcp_port":1})",
        R"({"broadcast_address":"b","http_port":2,"tcp_port":1,"version":null})",
        R"(null)",
        R"({})",
    };
    for (const char* body : bodies) {
        EXPECT_EQ(fatal_of(magic + identify(body)), "E_BAD_BODY IDENTIFY missing fields") << body;
    }
    // hostname is optional; negative ports are non-zero (NSQ only checks != 0)
    EXPECT_EQ(run(magic + identify(R"({"broadcast_address":"b","http_port":-2,"tcp_port":1,)"
                                   R"("version":"v"})")),
              std::vector<std::string>{identify_reply});
}

TEST(protocol_v1, partial_line_at_eof_gets_no_reply) {
    session s;
    s.feed(identified + "REGISTER t", SIZE_MAX, true);
    EXPECT_EQ(s.replies, std::vector<std::string>{identify_reply});
    EXPECT_FALSE(s.closed);
}

TEST(protocol_v1, over_long_line_drops_the_connection) {
    session s;
    s.feed(magic + std::string(max_line_length, 'A'));
    EXPECT_TRUE(s.dropped);
    EXPECT_TRUE(s.replies.empty());
    session t;
    t.feed(magic + std::string(max_line_length - 1, 'A'));
    EXPECT_FALSE(t.dropped);
}

TEST(protocol_v1, unregister_channel_deletes_only_empty_ephemeral_channel_keys) {
    session s;
    s.feed(identified +
           "REGISTER t c\nREGISTER t e#ephemeral\nUNREGISTER t c\nUNREGISTER t e#ephemeral\n");
    EXPECT_EQ(s.state(), (std::vector<std::string>{"channel:t:c", "client:: 10.0.0.5:51996",
                                                   "topic:t: 10.0.0.5:51996"}));
    s.feed("UNREGISTER t c\nUNREGISTER t x\nUNREGISTER never#ephemeral\n");  // nothing there
    EXPECT_EQ(s.replies,
              (std::vector<std::string>{identify_reply, "OK", "OK", "OK", "OK", "OK", "OK", "OK"}));
    EXPECT_FALSE(s.closed);
}

TEST(protocol_v1, ephemeral_keys_stay_while_another_producer_has_them) {
    session a;
    a.feed(identified + "REGISTER t#ephemeral c#ephemeral\n");
    client_v1 b;
    b.remote_address = "10.0.0.6:1";
    bool drop = false;
    std::string in = identified + "REGISTER t#ephemeral c#ephemeral\n";
    EXPECT_EQ(process_input(a.ctx, b, in, drop), in.size());
    a.feed("UNREGISTER t#ephemeral c#ephemeral\nUNREGISTER t#ephemeral\n");
    EXPECT_EQ(a.state(), (std::vector<std::string>{"channel:t#ephemeral:c#ephemeral 10.0.0.6:1",
                                                   "client:: 10.0.0.5:51996 10.0.0.6:1",
                                                   "topic:t#ephemeral: 10.0.0.6:1"}));
    in = "UNREGISTER t#ephemeral c#ephemeral\nUNREGISTER t#ephemeral\n";
    EXPECT_EQ(process_input(a.ctx, b, in, drop), in.size());
    EXPECT_EQ(a.state(), (std::vector<std::string>{"client:: 10.0.0.5:51996 10.0.0.6:1"}));
}

TEST(protocol_v1, unregister_topic_removes_channel_entries_but_keeps_channel_keys) {
    session s;
    s.feed(identified + "REGISTER t c1\nREGISTER t c2#ephemeral\nREGISTER u c1\nUNREGISTER t\n");
    EXPECT_EQ(s.replies.back(), "OK");
    EXPECT_EQ(s.state(),
              (std::vector<std::string>{"channel:t:c1", "channel:t:c2#ephemeral",
                                        "channel:u:c1 10.0.0.5:51996", "client:: 10.0.0.5:51996",
                                        "topic:t:", "topic:u: 10.0.0.5:51996"}));
}

TEST(protocol_v1, register_with_channel_registers_the_topic_too) {
    session s;
    s.feed(identified + "REGISTER t c\nREGISTER t c\n");  // twice: no-op, still OK
    EXPECT_EQ(s.replies, (std::vector<std::string>{identify_reply, "OK", "OK"}));
    EXPECT_EQ(s.state(),
              (std::vector<std::string>{"channel:t:c 10.0.0.5:51996", "client:: 10.0.0.5:51996",
                                        "topic:t: 10.0.0.5:51996"}));
}

TEST(protocol_v1, disconnect_removes_the_producer_everywhere_and_keeps_keys) {
    session s;
    s.feed(identified + "REGISTER t c\nREGISTER e#ephemeral\n");
    on_disconnect(s.ctx, s.client);
    EXPECT_EQ(s.state(), (std::vector<std::string>{"channel:t:c",
                                                   "client::", "topic:e#ephemeral:", "topic:t:"}));
    session never;
    never.feed(magic + "PING\n");
    on_disconnect(never.ctx, never.client);  // never identified: nothing to do
    EXPECT_TRUE(never.state().empty());
}

TEST(protocol_v1, identify_reply_uses_the_listening_ports) {
    session s;
    s.ctx.tcp_port = 1234;
    s.ctx.http_port = 5678;
    s.ctx.broadcast_address = "a<b";
    s.feed(identified);
    EXPECT_EQ(s.replies,
              std::vector<std::string>{R"({"broadcast_address":"a\u003cb","hostname":"lk-host",)"
                                       R"("http_port":5678,"tcp_port":1234,"version":"1.3.0"})"});
}

TEST(protocol_v1, append_response_frames) {
    std::string out;
    append_response(out, "OK");
    append_response(out, "");
    EXPECT_EQ(out, std::string("\0\0\0\2OK\0\0\0\0", 10));
}

}  // namespace
}  // namespace nsqpp::nsqlookupd
