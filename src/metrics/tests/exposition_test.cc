#include "metrics/exposition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace nsqpp::metrics {
namespace {

TEST(Exposition, FamilyWithHelpTypeAndSamples) {
    exposition e;
    auto& f = e.add_family("nsq_topic_depth", metric_type::gauge, "Messages queued.");
    f.reserve(2);  // a capacity hint only
    f.add({{"topic", "a"}}, int64_t{3}).add({{"topic", "b"}}, uint64_t{18446744073709551615ULL});
    EXPECT_EQ(e.render(),
              "# HELP nsq_topic_depth Messages queued.\n"
              "# TYPE nsq_topic_depth gauge\n"
              "nsq_topic_depth{topic=\"a\"} 3\n"
              "nsq_topic_depth{topic=\"b\"} 18446744073709551615\n");
}

TEST(Exposition, TypeNames) {
    exposition e;
    e.add_family("c_total", metric_type::counter, "c").add({}, 1);
    e.add_family("g", metric_type::gauge, "g").add({}, -2);
    e.add_family("s", metric_type::summary, "s").add_summary({}, {}, std::nullopt, 0);
    e.add_family("u", metric_type::untyped, "u").add({}, true);
    EXPECT_EQ(e.render(),
              "# HELP c_total c\n# TYPE c_total counter\nc_total 1\n"
              "# HELP g g\n# TYPE g gauge\ng -2\n"
              "# HELP s s\n# TYPE s summary\ns_count 0\n"
              "# HELP u u\n# TYPE u untyped\nu 1\n");
}

TEST(Exposition, LabelValueEscaping) {
    exposition e;
    e.add_family("m", metric_type::gauge, "h")
        .add({{"a", "back\\slash"}, {"b", "quo\"te"}, {"c", "new\nline"}}, 1);
    EXPECT_EQ(e.render(),
              "# HELP m h\n# TYPE m gauge\n"
              "m{a=\"back\\\\slash\",b=\"quo\\\"te\",c=\"new\\nline\"} 1\n");
}

TEST(Exposition, EscapeFunctions) {
    EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    EXPECT_EQ(escape_help("a\\b\"c\nd"), "a\\\\b\"c\\nd");  // quotes stay in HELP
    EXPECT_EQ(escape_label_value("plain-text_1.2"), "plain-text_1.2");
    EXPECT_EQ(escape_label_value("\xC3\xA9t\xC3\xA9"), "\xC3\xA9t\xC3\xA9");  // valid UTF-8
    EXPECT_EQ(escape_label_value("a\xFF"
                                 "b"),
              "a\xEF\xBF\xBD"
              "b");                                                         // invalid byte
    EXPECT_EQ(escape_label_value("\xC0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
    EXPECT_EQ(escape_label_value("\xED\xA0\x80"),                           // surrogate
              "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(escape_label_value("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated
    EXPECT_EQ(escape_label_value("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");  // 4 bytes
    EXPECT_EQ(escape_label_value(std::string_view("a\0b", 3)), std::string("a\0b", 3));
}

TEST(Exposition, HelpEscaping) {
    exposition e;
    e.add_family("m", metric_type::gauge, "line1\nline2 \\ \"q\"").add({}, 0);
    EXPECT_EQ(e.render(), "# HELP m line1\\nline2 \\\\ \"q\"\n# TYPE m gauge\nm 0\n");
}

TEST(Exposition, TypeLineOncePerFamilyAndFamiliesSortedByName) {
    exposition e;
    auto& z = e.add_family("z_metric", metric_type::gauge, "z");
    auto& a = e.add_family("a_metric", metric_type::counter, "a");
    // interleaved additions still render grouped, samples in insertion order
    z.add({{"k", "2"}}, 2);
    a.add({{"k", "1"}}, 1);
    z.add({{"k", "1"}}, 1);
    a.add({{"k", "0"}}, 0);
    std::string out = e.render();
    EXPECT_EQ(out,
              "# HELP a_metric a\n# TYPE a_metric counter\n"
              "a_metric{k=\"1\"} 1\na_metric{k=\"0\"} 0\n"
              "# HELP z_metric z\n# TYPE z_metric gauge\n"
              "z_metric{k=\"2\"} 2\nz_metric{k=\"1\"} 1\n");
    EXPECT_EQ(out, e.render());  // rendering is repeatable
}

TEST(Exposition, SameInputSameOutputRegardlessOfDeclarationOrder) {
    auto build = [](bool reversed) {
        exposition e;
        std::vector<std::string> names{"b", "a", "c"};
        if (reversed) names = {"c", "a", "b"};
        for (const auto& n : names) e.add_family(n, metric_type::gauge, n).add({}, 1);
        return e.render();
    };
    EXPECT_EQ(build(false), build(true));
}

TEST(Exposition, EmptyFamiliesAreOmitted) {
    exposition e;
    e.add_family("gone", metric_type::gauge, "no samples");
    e.add_family("kept", metric_type::gauge, "k").add({}, 1);
    EXPECT_EQ(e.render(), "# HELP kept k\n# TYPE kept gauge\nkept 1\n");
    EXPECT_EQ(exposition().render(), "");
}

TEST(Exposition, Summary) {
    exposition e;
    std::vector<quantile> q{{0.99, 0.25}, {0.5, 0.001}, {1.0, 2.5}};
    e.add_family("lat_seconds", metric_type::summary, "Latency.")
        .add_summary(std::vector<label>{{"topic", "t"}}, q, 12.5, 40);
    EXPECT_EQ(e.render(),
              "# HELP lat_seconds Latency.\n# TYPE lat_seconds summary\n"
              "lat_seconds{topic=\"t\",quantile=\"0.99\"} 0.25\n"
              "lat_seconds{topic=\"t\",quantile=\"0.5\"} 0.001\n"
              "lat_seconds{topic=\"t\",quantile=\"1\"} 2.5\n"
              "lat_seconds_sum{topic=\"t\"} 12.5\n"
              "lat_seconds_count{topic=\"t\"} 40\n");
}

TEST(Exposition, FloatFormatting) {
    EXPECT_EQ(format_value(1.0), "1");
    EXPECT_EQ(format_value(0.5), "0.5");
    EXPECT_EQ(format_value(-3.25), "-3.25");
    EXPECT_EQ(format_value(1e-9), "1e-09");
    EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(format_value(std::nan("")), "NaN");
    exposition e;
    e.add_family("f", metric_type::gauge, "f").add({}, 1735074.5);
    EXPECT_EQ(e.render(), "# HELP f f\n# TYPE f gauge\nf 1735074.5\n");
}

TEST(Exposition, InvalidNamesAreRejected) {
    exposition e;
    EXPECT_THROW(e.add_family("", metric_type::gauge, ""), std::invalid_argument);
    EXPECT_THROW(e.add_family("1abc", metric_type::gauge, ""), std::invalid_argument);
    EXPECT_THROW(e.add_family("a-b", metric_type::gauge, ""), std::invalid_argument);
    EXPECT_NO_THROW(e.add_family("ns:sub_name9", metric_type::gauge, ""));
    EXPECT_THROW(e.add_family("ns:sub_name9", metric_type::gauge, ""), std::invalid_argument);
    auto& f = e.add_family("ok", metric_type::gauge, "");
    EXPECT_THROW(f.add({{"bad-label", "v"}}, 1), std::invalid_argument);
    EXPECT_THROW(f.add({{"__reserved", "v"}}, 1), std::invalid_argument);
    EXPECT_THROW(f.add({{"", "v"}}, 1), std::invalid_argument);
    EXPECT_FALSE(is_valid_label_name("a:b"));
    EXPECT_TRUE(is_valid_label_name("_a9"));
    EXPECT_EQ(e.find("ok"), &f);
    EXPECT_EQ(e.find("missing"), nullptr);
}

}  // namespace
}  // namespace nsqpp::metrics
