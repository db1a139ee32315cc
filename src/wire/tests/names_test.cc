#include "wire/names.h"

#include <gtest/gtest.h>

#include <string>

namespace nsqpp::wire {
namespace {

TEST(names, accepts_allowed_characters) {
    EXPECT_TRUE(is_valid_topic_name("test"));
    EXPECT_TRUE(is_valid_topic_name("a.b_c-D9"));
    EXPECT_TRUE(is_valid_topic_name("."));
    EXPECT_TRUE(is_valid_topic_name("-"));
    EXPECT_TRUE(is_valid_channel_name("ch_1.x-Y"));
    EXPECT_TRUE(is_valid_topic_name("t#ephemeral"));
    EXPECT_TRUE(is_valid_channel_name("c#ephemeral"));
}

TEST(names, rejects_other_characters) {
    for (std::string bad :
         {"", "bad!topic", "a b", "a/b", "a:b", "a#b", "a#ephemera", "é", "a\n", "#ephemeral",
          "a#ephemeral#ephemeral", "a#Ephemeral", "#ephemeralx", "a#ephemeral "}) {
        EXPECT_FALSE(is_valid_topic_name(bad)) << bad;
        EXPECT_FALSE(is_valid_channel_name(bad)) << bad;
    }
    EXPECT_FALSE(is_valid_topic_name(std::string("a\0b", 3)));
    EXPECT_FALSE(is_valid_channel_name(std::string("a\0", 2)));
}

TEST(names, length_limit_includes_suffix) {
    const std::string n64(64, 'a');
    const std::string n65(65, 'a');
    EXPECT_TRUE(is_valid_topic_name(n64));
    EXPECT_FALSE(is_valid_topic_name(n65));
    EXPECT_TRUE(is_valid_channel_name(n64));
    EXPECT_FALSE(is_valid_channel_name(n65));

    const std::string e64 = std::string(54, 'a') + "#ephemeral";
    const std::string e65 = std::string(55, 'a') + "#ephemeral";
    ASSERT_EQ(e64.size(), 64u);
    EXPECT_TRUE(is_valid_topic_name(e64));
    EXPECT_FALSE(is_valid_topic_name(e65));
    EXPECT_TRUE(is_valid_channel_name(e64));
    EXPECT_FALSE(is_valid_channel_name(e65));
    EXPECT_TRUE(is_valid_topic_name("a"));
}

TEST(names, ephemeral_is_a_suffix_test) {
    EXPECT_TRUE(is_ephemeral("t#ephemeral"));
    EXPECT_TRUE(is_ephemeral("#ephemeral"));
    EXPECT_FALSE(is_ephemeral("t"));
    EXPECT_FALSE(is_ephemeral("t#ephemeral2"));
    EXPECT_FALSE(is_ephemeral("ephemeral"));
    EXPECT_FALSE(is_ephemeral(""));
}

}  // namespace
}  // namespace nsqpp::wire
