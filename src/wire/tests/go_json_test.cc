#include "wire/go_json.h"

#include <gtest/gtest.h>

namespace nsqpp::wire {
namespace {

TEST(go_json, fold_json_key) {
    EXPECT_EQ(fold_json_key("Heartbeat_INTERVAL"), "heartbeat_interval");
    EXPECT_EQ(fold_json_key("\xC5\xBFnappy"), "snappy");
    EXPECT_EQ(fold_json_key("\xE2\x84\xAA"), "k");
    EXPECT_EQ(fold_json_key(""), "");
    EXPECT_FALSE(fold_json_key("sn\xC3\xA1ppy"));
    EXPECT_FALSE(fold_json_key("\xC5"));
}

TEST(go_json, replace_lone_surrogate_escapes) {
    EXPECT_FALSE(replace_lone_surrogate_escapes(R"({"a":"\u0041\ud83d\ude00"})"));
    EXPECT_FALSE(replace_lone_surrogate_escapes(R"({"a":"\\ud800"})"));
    EXPECT_EQ(replace_lone_surrogate_escapes(R"(["\ud800"])"), R"(["\ufffd"])");
    EXPECT_EQ(replace_lone_surrogate_escapes(R"(["\uDC00\uD83D\uDE00"])"),
              R"(["\ufffd\uD83D\uDE00"])");
    EXPECT_EQ(replace_lone_surrogate_escapes(R"(["\ud800\ud800"])"), R"(["\ufffd\ufffd"])");
    EXPECT_EQ(replace_lone_surrogate_escapes(R"(["\"\ud800"])"), R"(["\"\ufffd"])");
    // Outside strings nothing is touched (that JSON is invalid anyway).
    EXPECT_FALSE(replace_lone_surrogate_escapes(R"(\ud800)"));
}

}  // namespace
}  // namespace nsqpp::wire
