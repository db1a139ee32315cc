// protocol_v2 without sockets: byte-split robustness and reply sequences.
#include "nsqd/protocol_v2.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/log.h"
#include "wire/endian.h"
#include "wire/frame.h"

namespace nsqpp::nsqd {
namespace {

struct null_consumer : broker::consumer {
    int wakes = 0;
    void wake() override { ++wakes; }
    void close_from_channel() override {}
};

std::string with_body(std::string line, std::string_view body) {
    char len[4];
    wire::put_u32be(len, static_cast<uint32_t>(body.size()));
    return line + "\n" + std::string(len, 4) + std::string(body);
}

std::string mpub(std::string topic, const std::vector<std::string>& msgs) {
    std::string body(4, '\0');
    wire::put_u32be(body.data(), static_cast<uint32_t>(msgs.size()));
    for (const auto& m : msgs) {
        char len[4];
        wire::put_u32be(len, static_cast<uint32_t>(m.size()));
        body += std::string(len, 4) + m;
    }
    return with_body("MPUB " + topic, body);
}

struct session {
    context ctx;
    null_consumer self;
    client_v2 client;

    session() : ctx(make_options(), 7, base::get_logger("test")) {
        client.id = 1;
        client.self = &self;
        init_client(ctx, client);
    }
    ~session() { unsubscribe(ctx, client); }
    static options make_options() {
        options o;
        o.max_msg_size = 100;
        return o;
    }

    // Feeds `input` split into pieces of `chunk` bytes (a socket delivering it slowly) and
    // returns every frame written, rendered as "type:data".
    std::vector<std::string> feed(const std::string& input, size_t chunk, bool* closed = nullptr) {
        std::string buffer;
        auto now = std::chrono::steady_clock::now();
        bool drop = false;
        for (size_t pos = 0; pos < input.size() && !drop && !client.close_after_flush;) {
            size_t n = std::min(chunk, input.size() - pos);
            buffer.append(input, pos, n);
            pos += n;
            if (buffer.size() < client.need_bytes) continue;
            size_t used = process_input(ctx, client, buffer, now, drop);
            buffer.erase(0, used);
        }
        if (closed) *closed = drop || client.close_after_flush;
        std::vector<std::string> frames;
        std::string_view out = client.out;
        size_t consumed = 0;
        while (auto f = wire::decode_frame(out, consumed)) {
            frames.push_back(std::to_string(static_cast<int>(f->type)) + ":" +
                             std::string(f->data));
            out.remove_prefix(consumed);
        }
        client.out.clear();
        return frames;
    }
};

TEST(protocol_v2, same_replies_whatever_the_split) {
    std::string input = with_body("PUB t1", "hello") + mpub("t1", {"a", "bc", "def"}) + "NOP\r\n" +
                        with_body("DPUB t1 1000", "later") +
                        with_body("IDENTIFY", R"({"client_id":"x","feature_negotiation":false})") +
                        "SUB t1 ch\nRDY 5\nFIN 0123456789abcdef\nCLS\n";
    std::vector<std::string> expected = {
        "0:OK",        "0:OK", "0:OK",
        "0:OK",        "0:OK", "1:E_FIN_FAILED FIN 0123456789abcdef failed ID not in flight",
        "0:CLOSE_WAIT"};
    for (size_t chunk = 1; chunk <= input.size(); ++chunk) {
        session s;
        bool closed = false;
        EXPECT_EQ(s.feed(input, chunk, &closed), expected) << "chunk " << chunk;
        EXPECT_FALSE(closed) << "chunk " << chunk;
        auto t = s.ctx.topics.find_topic("t1");
        ASSERT_TRUE(t);
        auto ch = t->find_channel("ch");
        ASSERT_TRUE(ch);
        EXPECT_EQ(ch->stats().message_count, 5u) << "chunk " << chunk;
    }
}

TEST(protocol_v2, fatal_error_stops_processing_what_follows) {
    session s;
    bool closed = false;
    auto frames = s.feed("FOO\n" + with_body("PUB t2", "x"), 1000, &closed);
    EXPECT_EQ(frames, std::vector<std::string>{"1:E_INVALID invalid command FOO"});
    EXPECT_TRUE(closed);
    EXPECT_FALSE(s.ctx.topics.find_topic("t2"));
}

TEST(protocol_v2, over_long_line_drops_without_reply) {
    session s;
    bool closed = false;
    auto frames = s.feed(std::string(max_line_length + 10, 'A'), 4096, &closed);
    EXPECT_TRUE(frames.empty());
    EXPECT_TRUE(closed);
}

TEST(protocol_v2, mpub_validates_every_message_before_publishing) {
    session s;
    bool closed = false;
    auto frames = s.feed(mpub("t3", {"ok", std::string(101, 'x')}), 7, &closed);
    EXPECT_EQ(frames, std::vector<std::string>{"1:E_BAD_MESSAGE MPUB message too big 101 > 100"});
    EXPECT_TRUE(closed);
    auto t = s.ctx.topics.find_topic("t3");
    ASSERT_TRUE(t);  // created before the body is read, as NSQ does
    EXPECT_EQ(t->stats().message_count, 0u);
}

TEST(protocol_v2, mpub_ignores_declared_body_length_beyond_messages) {
    session s;
    std::string cmd = mpub("t4", {"a"});
    // declare a larger body length than the messages occupy: NSQ reads count + messages only
    wire::put_u32be(cmd.data() + 8, 1000);
    auto frames = s.feed(cmd + "NOP\n", 3);
    EXPECT_EQ(frames, std::vector<std::string>{"0:OK"});
}

TEST(protocol_v2, identify_with_negotiation_replies_json_in_nsq_key_order) {
    session s;
    auto frames =
        s.feed(with_body("IDENTIFY", R"({"feature_negotiation":true,"msg_timeout":5000})"), 9);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0],
              "0:{\"max_rdy_count\":2500,\"version\":\"1.3.0\",\"max_msg_timeout\":900000,"
              "\"msg_timeout\":5000,\"tls_v1\":false,\"deflate\":false,\"deflate_level\":6,"
              "\"max_deflate_level\":6,\"snappy\":false,\"sample_rate\":0,\"auth_required\":false,"
              "\"output_buffer_size\":16384,\"output_buffer_timeout\":250}");
}

}  // namespace
}  // namespace nsqpp::nsqd
