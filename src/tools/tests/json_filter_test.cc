#include "tools/json_filter.h"

#include <gtest/gtest.h>

namespace nsqpp::tools {
namespace {

TEST(JsonFilter, InactivePassesBodyUnchanged) {
    json_filter_settings s;
    auto r = apply_json_filter(s, "not json");
    EXPECT_EQ(r.action, json_filter_result::pass);
    EXPECT_EQ(r.body, "not json");
}

TEST(JsonFilter, NonObjectIsDroppedWithLog) {
    json_filter_settings s;
    s.require_field = "a";
    auto r = apply_json_filter(s, "[1]");
    EXPECT_EQ(r.action, json_filter_result::drop);
    EXPECT_EQ(r.log, "ERROR: Unable to decode json: [1]");
}

TEST(JsonFilter, RequiredField) {
    json_filter_settings s;
    s.require_field = "a";
    EXPECT_EQ(apply_json_filter(s, R"({"a":1})").action, json_filter_result::pass);
    EXPECT_EQ(apply_json_filter(s, R"({"b":1})").action, json_filter_result::drop);
    s.require_value = "x";
    auto r = apply_json_filter(s, R"({"b":1})");
    EXPECT_EQ(r.action, json_filter_result::requeue);
    EXPECT_EQ(r.log, "ERROR: missing field to check required value");
}

TEST(JsonFilter, RequiredValueStringAndNumber) {
    json_filter_settings s;
    s.require_field = "a";
    s.require_value = "5";
    EXPECT_EQ(apply_json_filter(s, R"({"a":"5"})").action, json_filter_result::pass);
    EXPECT_EQ(apply_json_filter(s, R"({"a":5})").action, json_filter_result::pass);
    EXPECT_EQ(apply_json_filter(s, R"({"a":5.0})").action, json_filter_result::pass);
    EXPECT_EQ(apply_json_filter(s, R"({"a":6})").action, json_filter_result::drop);
    EXPECT_EQ(apply_json_filter(s, R"({"a":true})").action, json_filter_result::drop);
    s.require_value = "x";
    EXPECT_EQ(apply_json_filter(s, R"({"a":1})").action, json_filter_result::drop);
}

TEST(JsonFilter, WhitelistSortsKeysAndWritesGoNumbers) {
    json_filter_settings s;
    s.whitelist = {"z", "a", "missing", "n"};
    auto r = apply_json_filter(s, R"({"z":2.0,"a":"<x>","n":{"k":1.5,"b":[1e21,null]},"q":1})");
    EXPECT_EQ(r.action, json_filter_result::pass);
    EXPECT_EQ(r.body, R"({"a":"\u003cx\u003e","n":{"b":[1e+21,null],"k":1.5},"z":2})");
}

TEST(JsonFilter, GoNumbers) {
    EXPECT_EQ(go_json_number(1), "1");
    EXPECT_EQ(go_json_number(-2.5), "-2.5");
    EXPECT_EQ(go_json_number(1e20), "100000000000000000000");
    EXPECT_EQ(go_json_number(1e21), "1e+21");
    EXPECT_EQ(go_json_number(1e-7), "1e-7");
    EXPECT_EQ(go_json_number(0.000001), "0.000001");
    EXPECT_EQ(go_json_number(0), "0");
}

}  // namespace
}  // namespace nsqpp::tools
