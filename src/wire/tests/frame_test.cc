#include "wire/frame.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace nsqpp::wire {
namespace {

using namespace std::string_literals;

std::string hex_to_bytes(std::string_view hex) {
    std::string out;
    int nibble = -1;
    for (char c : hex) {
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0) continue;
        if (nibble < 0) {
            nibble = v;
        } else {
            out.push_back(static_cast<char>(nibble << 4 | v));
            nibble = -1;
        }
    }
    return out;
}

TEST(frame, ok_response_matches_nsqd) {
    std::string out;
    append_frame(out, frame_type::response, "OK");
    EXPECT_EQ(out, hex_to_bytes("00 00 00 06 00 00 00 00 4f 4b"));
}

TEST(frame, heartbeat_and_error_match_nsqd) {
    std::string out;
    append_frame(out, frame_type::response, "_heartbeat_");
    EXPECT_EQ(out, hex_to_bytes("00 00 00 0f 00 00 00 00") + "_heartbeat_");
    out.clear();
    append_frame(out, frame_type::error, "E_INVALID invalid command FOO");
    EXPECT_EQ(out, hex_to_bytes("00 00 00 21 00 00 00 01") + "E_INVALID invalid command FOO");
}

TEST(frame, empty_data) {
    std::string out = "x";
    append_frame(out, frame_type::response, "");
    EXPECT_EQ(out, "x"s + hex_to_bytes("00 00 00 04 00 00 00 00"));
}

const std::string observed_message = hex_to_bytes(
    "00 00 00 23 00 00 00 02 18 eb 3a dd 95 6a 66 f6 00 01 31 38 61 37 63 38 33 35 63 31 38 30 "
    "35 30 30 30 68 65 6c 6c 6f");

TEST(frame, message_prefix_matches_nsqd) {
    char prefix[message_frame_prefix_size];
    encode_message_frame_prefix(prefix, 5, 0x18eb3add956a66f6, 1, "18a7c835c1805000");
    EXPECT_EQ(std::string(prefix, sizeof prefix) + "hello", observed_message);

    char header[message_header_size];
    encode_message_header(header, 0x18eb3add956a66f6, 1, "18a7c835c1805000");
    EXPECT_EQ(std::string(header, sizeof header), observed_message.substr(8, 26));
}

TEST(frame, decode_observed_message) {
    size_t consumed = 0;
    auto f = decode_frame(observed_message, consumed);
    ASSERT_TRUE(f);
    EXPECT_EQ(consumed, observed_message.size());
    EXPECT_EQ(f->type, frame_type::message);
    auto m = decode_message(f->data);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->timestamp, 0x18eb3add956a66f6);
    EXPECT_EQ(m->attempts, 1);
    EXPECT_EQ(m->id, "18a7c835c1805000");
    EXPECT_EQ(m->body, "hello");
}

TEST(frame, decode_message_edges) {
    EXPECT_FALSE(decode_message(std::string(25, 'x')));
    auto m = decode_message(std::string(26, '\xff'));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->timestamp, -1);
    EXPECT_EQ(m->attempts, 65535);
    EXPECT_EQ(m->body, "");
}

TEST(frame, decode_needs_more_and_malformed) {
    size_t consumed = 99;
    EXPECT_FALSE(decode_frame("", consumed));
    EXPECT_EQ(consumed, 0u);
    EXPECT_FALSE(decode_frame(hex_to_bytes("00 00 00"), consumed));
    EXPECT_EQ(consumed, 0u);
    EXPECT_FALSE(decode_frame(hex_to_bytes("00 00 00 06 00 00 00 00 4f"), consumed));
    EXPECT_EQ(consumed, 0u);
    EXPECT_FALSE(decode_frame(hex_to_bytes("00 00 00 03 00 00 00"), consumed));
    EXPECT_EQ(consumed, frame_malformed);
    EXPECT_FALSE(decode_frame(hex_to_bytes("ff ff ff ff"), consumed));
    EXPECT_EQ(consumed, frame_malformed);
}

TEST(frame, unknown_type_passes_through) {
    size_t consumed = 0;
    auto f = decode_frame(hex_to_bytes("00 00 00 04 00 00 00 07"), consumed);
    ASSERT_TRUE(f);
    EXPECT_EQ(static_cast<int32_t>(f->type), 7);
    EXPECT_EQ(f->data, "");
}

// A stream of several frames, fed split at every byte position.
TEST(frame, stream_split_at_every_byte) {
    std::string stream;
    append_frame(stream, frame_type::response, "OK");
    append_frame(stream, frame_type::error, "E_BAD_TOPIC PUB topic name \"x!\" is not valid");
    stream += observed_message;
    append_frame(stream, frame_type::response, "");
    const std::vector<std::string> expected = {
        "OK", "E_BAD_TOPIC PUB topic name \"x!\" is not valid", observed_message.substr(8), ""};

    for (size_t split = 0; split <= stream.size(); ++split) {
        std::string buf;
        std::vector<std::string> got;
        auto drain = [&] {
            size_t consumed = 0;
            while (auto f = decode_frame(buf, consumed)) {
                got.emplace_back(f->data);
                buf.erase(0, consumed);
            }
            ASSERT_NE(consumed, frame_malformed);
        };
        buf.append(stream, 0, split);
        drain();
        buf.append(stream, split);
        drain();
        EXPECT_EQ(got, expected) << "split " << split;
        EXPECT_TRUE(buf.empty());
    }
}

TEST(frame, message_round_trip) {
    const std::string body = "body\0with\xffzero"s;
    std::string wire(message_frame_prefix_size, '\0');
    encode_message_frame_prefix(wire.data(), static_cast<uint32_t>(body.size()), -1234567890123,
                                65535, "0123456789abcdef");
    wire += body;
    size_t consumed = 0;
    auto f = decode_frame(wire, consumed);
    ASSERT_TRUE(f);
    EXPECT_EQ(consumed, wire.size());
    auto m = decode_message(f->data);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->timestamp, -1234567890123);
    EXPECT_EQ(m->attempts, 65535);
    EXPECT_EQ(m->id, "0123456789abcdef");
    EXPECT_EQ(m->body, body);
}

}  // namespace
}  // namespace nsqpp::wire
