// Command-line parsing and usage text: Go `flag` package rules (spec/nsqd.md §8.1).
#include "config/option_set.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

namespace nsqpp::config {
namespace {

using namespace std::chrono_literals;
using outcome = option_set::parse_outcome;

struct fixture_values {
    std::string address = "0.0.0.0:4150";
    std::string empty;
    int64_t size = 10000;
    bool snappy = true;
    bool deflate = true;
    bool flag_off = false;
    nanoseconds timeout = 60s;
    std::vector<std::string> lookupds;
    std::vector<double> percentiles;
    std::vector<double> plain_floats;
    std::string tls_required = "false";
};

class option_set_test : public ::testing::Test {
  protected:
    option_set_test() {
        set_.add_string("tcp-address", "tcp_address", "<addr>:<port> to listen on", &v_.address);
        set_.add_string("data-path", "data_path", "path to store data", &v_.empty);
        set_.add_int("mem-queue-size", "mem_queue_size", "messages in memory", &v_.size);
        set_.add_bool("snappy", "snappy", "enable snappy", &v_.snappy);
        set_.add_bool("deflate", "deflate", "enable deflate", &v_.deflate);
        set_.add_bool("off", "off", "a false bool", &v_.flag_off);
        set_.add_duration("msg-timeout", "msg_timeout", "default timeout", &v_.timeout);
        set_.add_string_list("lookupd-tcp-address", "nsqlookupd_tcp_addresses", "lookupd",
                             &v_.lookupds);
        set_.add_float_list("e2e-processing-latency-percentile",
                            "e2e_processing_latency_percentiles", "percentiles", &v_.percentiles,
                            true);
        set_.add_float_list("float", "float", "plain floats", &v_.plain_floats, false);
        set_.add_boolish_string("tls-required", "tls_required", "require TLS", &v_.tls_required);
    }

    outcome parse(std::initializer_list<const char*> args) {
        argv_.assign({"nsqd"});
        argv_.insert(argv_.end(), args.begin(), args.end());
        return set_.parse_args(static_cast<int>(argv_.size()), argv_.data());
    }

    fixture_values v_;
    option_set set_{"nsqd"};
    std::vector<const char*> argv_;
};

TEST_F(option_set_test, no_arguments_keeps_defaults) {
    outcome r = parse({});
    EXPECT_EQ(r.result, outcome::ok);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(v_.address, "0.0.0.0:4150");
    EXPECT_EQ(v_.size, 10000);
    EXPECT_TRUE(v_.snappy);
    EXPECT_EQ(v_.timeout, 60s);
    EXPECT_FALSE(set_.was_set("tcp-address"));
}

TEST_F(option_set_test, one_or_two_dashes_with_equals_or_separate_value) {
    EXPECT_EQ(parse({"-tcp-address=127.0.0.1:1", "--mem-queue-size", "5", "--msg-timeout=2s",
                     "-data-path", "/tmp/x"})
                  .result,
              outcome::ok);
    EXPECT_EQ(v_.address, "127.0.0.1:1");
    EXPECT_EQ(v_.size, 5);
    EXPECT_EQ(v_.timeout, 2s);
    EXPECT_EQ(v_.empty, "/tmp/x");
    EXPECT_TRUE(set_.was_set("tcp-address"));
    EXPECT_TRUE(set_.was_set("mem-queue-size"));
    EXPECT_FALSE(set_.was_set("snappy"));
    EXPECT_FALSE(set_.was_set("no-such-flag"));
}

TEST_F(option_set_test, values_may_start_with_dashes_or_be_empty) {
    EXPECT_EQ(parse({"-data-path", "-weird", "-tcp-address="}).result, outcome::ok);
    EXPECT_EQ(v_.empty, "-weird");
    EXPECT_EQ(v_.address, "");
    EXPECT_EQ(parse({"-mem-queue-size", "-3"}).result, outcome::ok);
    EXPECT_EQ(v_.size, -3);
}

TEST_F(option_set_test, value_keeps_later_equals_signs) {
    EXPECT_EQ(parse({"--data-path=a=b"}).result, outcome::ok);
    EXPECT_EQ(v_.empty, "a=b");
}

TEST_F(option_set_test, bool_forms) {
    EXPECT_EQ(parse({"-snappy=false", "--deflate=0", "-off"}).result, outcome::ok);
    EXPECT_FALSE(v_.snappy);
    EXPECT_FALSE(v_.deflate);
    EXPECT_TRUE(v_.flag_off);
    for (const char* t : {"1", "t", "T", "true", "TRUE", "True"}) {
        v_.snappy = false;
        std::string arg = std::string("-snappy=") + t;
        EXPECT_EQ(parse({arg.c_str()}).result, outcome::ok) << t;
        EXPECT_TRUE(v_.snappy) << t;
    }
    for (const char* f : {"0", "f", "F", "false", "FALSE", "False"}) {
        v_.snappy = true;
        std::string arg = std::string("--snappy=") + f;
        EXPECT_EQ(parse({arg.c_str()}).result, outcome::ok) << f;
        EXPECT_FALSE(v_.snappy) << f;
    }
}

TEST_F(option_set_test, bad_bool_value) {
    outcome r = parse({"-snappy=yes"});
    EXPECT_EQ(r.result, outcome::error);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.message, "invalid boolean value \"yes\" for -snappy: parse error");
}

TEST_F(option_set_test, separate_bool_value_stops_parsing) {
    // nsqd -tcp-address=... -snappy false -http-address=... ignores what follows "false".
    outcome r = parse({"-tcp-address=127.0.0.1:9150", "-snappy", "false", "-mem-queue-size=7"});
    EXPECT_EQ(r.result, outcome::ok);
    EXPECT_EQ(v_.address, "127.0.0.1:9150");
    EXPECT_TRUE(v_.snappy);
    EXPECT_EQ(v_.size, 10000);
    EXPECT_FALSE(set_.was_set("mem-queue-size"));
    EXPECT_EQ(set_.remaining_args(), (std::vector<std::string>{"false", "-mem-queue-size=7"}));
}

TEST_F(option_set_test, double_dash_stops_parsing) {
    EXPECT_EQ(parse({"-mem-queue-size=1", "--", "-mem-queue-size=2"}).result, outcome::ok);
    EXPECT_EQ(v_.size, 1);
    EXPECT_EQ(set_.remaining_args(), std::vector<std::string>{"-mem-queue-size=2"});
}

TEST_F(option_set_test, single_dash_is_a_positional_argument) {
    EXPECT_EQ(parse({"-", "-mem-queue-size=2"}).result, outcome::ok);
    EXPECT_EQ(v_.size, 10000);
    EXPECT_EQ(set_.remaining_args(), (std::vector<std::string>{"-", "-mem-queue-size=2"}));
}

TEST_F(option_set_test, help_flags) {
    for (const char* h : {"-h", "--h", "-help", "--help", "-help=1"}) {
        outcome r = parse({h});
        EXPECT_EQ(r.result, outcome::help) << h;
        EXPECT_EQ(r.exit_code, 0) << h;
    }
}

TEST_F(option_set_test, unknown_flag) {
    outcome r = parse({"--mem-queue-size=1", "--nope=3"});
    EXPECT_EQ(r.result, outcome::error);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.message, "flag provided but not defined: -nope");
}

TEST_F(option_set_test, bad_flag_syntax) {
    EXPECT_EQ(parse({"---x"}).message, "bad flag syntax: ---x");
    EXPECT_EQ(parse({"-=x"}).message, "bad flag syntax: -=x");
    EXPECT_EQ(parse({"--=x"}).result, outcome::error);
}

TEST_F(option_set_test, missing_value) {
    outcome r = parse({"-mem-queue-size"});
    EXPECT_EQ(r.result, outcome::error);
    EXPECT_EQ(r.message, "flag needs an argument: -mem-queue-size");
}

TEST_F(option_set_test, bad_int) {
    outcome r = parse({"--mem-queue-size=abc"});
    EXPECT_EQ(r.result, outcome::error);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.message, "invalid value \"abc\" for flag -mem-queue-size: parse error");
    EXPECT_EQ(
        parse({"-mem-queue-size", "99999999999999999999"}).message,
        "invalid value \"99999999999999999999\" for flag -mem-queue-size: value out of range");
}

TEST_F(option_set_test, int_literal_forms) {
    const std::pair<const char*, int64_t> cases[] = {{"0x10", 16}, {"0o10", 8},     {"010", 8},
                                                     {"0b11", 3},  {"1_000", 1000}, {"-5", -5}};
    for (const auto& [text, value] : cases) {
        std::string arg = std::string("-mem-queue-size=") + text;
        EXPECT_EQ(parse({arg.c_str()}).result, outcome::ok) << text;
        EXPECT_EQ(v_.size, value) << text;
    }
}

TEST_F(option_set_test, bad_duration) {
    outcome r = parse({"-msg-timeout", "60"});
    EXPECT_EQ(r.result, outcome::error);
    EXPECT_EQ(r.message, "invalid value \"60\" for flag -msg-timeout: parse error");
    EXPECT_EQ(parse({"-msg-timeout=0"}).result, outcome::ok);
    EXPECT_EQ(v_.timeout, 0s);
    EXPECT_EQ(parse({"-msg-timeout=1h30m"}).result, outcome::ok);
    EXPECT_EQ(v_.timeout, 90min);
}

TEST_F(option_set_test, repeated_list_flag_accumulates_and_replaces_default) {
    v_.lookupds = {"default:4160"};
    EXPECT_EQ(parse({"--lookupd-tcp-address=a:4160", "-lookupd-tcp-address", "b:4160",
                     "--lookupd-tcp-address=c:4160,d:4160"})
                  .result,
              outcome::ok);
    EXPECT_EQ(v_.lookupds, (std::vector<std::string>{"a:4160", "b:4160", "c:4160,d:4160"}));
}

TEST_F(option_set_test, percentiles_split_commas_and_sort_descending) {
    EXPECT_EQ(parse({"--e2e-processing-latency-percentile=0.5,0.99",
                     "--e2e-processing-latency-percentile", "1.0",
                     "-e2e-processing-latency-percentile=0.75"})
                  .result,
              outcome::ok);
    EXPECT_EQ(v_.percentiles, (std::vector<double>{1.0, 0.99, 0.75, 0.5}));
}

TEST_F(option_set_test, unparsable_percentile_is_fatal) {
    outcome r = parse({"--e2e-processing-latency-percentile=0.99,x"});
    EXPECT_EQ(r.result, outcome::error);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.message, "Could not parse: x");
    // Go does not trim: " 0.95" is not a number.
    EXPECT_EQ(parse({"--e2e-processing-latency-percentile=0.99, 0.95"}).message,
              "Could not parse:  0.95");
}

TEST_F(option_set_test, plain_float_list_neither_splits_nor_sorts) {
    EXPECT_EQ(parse({"-float=0.5", "-float=0.75"}).result, outcome::ok);
    EXPECT_EQ(v_.plain_floats, (std::vector<double>{0.5, 0.75}));
    outcome r = parse({"-float=1,2"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.message, "invalid value \"1,2\" for flag -float: parse error");
}

TEST_F(option_set_test, boolish_string) {
    EXPECT_EQ(parse({"--tls-required"}).result, outcome::ok);
    EXPECT_EQ(v_.tls_required, "true");
    EXPECT_EQ(parse({"--tls-required=tcp-https"}).result, outcome::ok);
    EXPECT_EQ(v_.tls_required, "tcp-https");
    // Like a bool, a separate argument is not its value.
    EXPECT_EQ(parse({"--tls-required", "false", "-mem-queue-size=1"}).result, outcome::ok);
    EXPECT_EQ(v_.tls_required, "true");
    EXPECT_EQ(v_.size, 10000);
}

TEST_F(option_set_test, validator_rejects_and_normalizes) {
    set_.set_validator("tls-required", [](std::string& v) -> std::string {
        if (v == "TCP-HTTPS") v = "tcp-https";
        if (v == "true" || v == "false" || v == "tcp-https") return "";
        return "bad choice";
    });
    EXPECT_EQ(parse({"-tls-required=TCP-HTTPS"}).result, outcome::ok);
    EXPECT_EQ(v_.tls_required, "tcp-https");
    outcome r = parse({"-tls-required=maybe"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.message, "invalid boolean value \"maybe\" for -tls-required: bad choice");

    set_.set_validator("data-path",
                       [](std::string& v) -> std::string { return v.empty() ? "empty" : ""; });
    EXPECT_EQ(parse({"-data-path="}).message, "invalid value \"\" for flag -data-path: empty");
    EXPECT_THROW(set_.set_validator("mem-queue-size", {}), std::logic_error);
    EXPECT_THROW(set_.set_validator("nope", {}), std::logic_error);
}

TEST_F(option_set_test, quoted_values_in_errors) {
    EXPECT_EQ(parse({"-mem-queue-size=a\"b"}).message,
              "invalid value \"a\\\"b\" for flag -mem-queue-size: parse error");
}

TEST(option_set, duplicate_flag_throws) {
    option_set set("nsqd");
    int64_t a = 0;
    set.add_int("x", "x", "", &a);
    EXPECT_THROW(set.add_int("x", "x", "", &a), std::logic_error);
}

TEST(option_set, null_target_is_kept_inside_the_set) {
    option_set set("nsqd");
    set.add_bool("verbose", "", "[deprecated] has no effect", nullptr);
    set.add_string_list("list", "", "", nullptr);
    const char* argv[] = {"nsqd", "-verbose", "-list=a", "-list", "b"};
    EXPECT_EQ(set.parse_args(5, argv).result, outcome::ok);
    EXPECT_TRUE(set.was_set("verbose"));
    EXPECT_TRUE(set.was_set("list"));
}

TEST(option_set, usage_is_go_style_and_sorted) {
    option_set set("nsqd");
    std::string log_level = "info";
    std::string prefix = "[nsqd] ";
    std::string empty;
    int64_t size = 10000;
    int64_t zero = 0;
    bool yes = true;
    bool no = false;
    bool h = false;
    nanoseconds timeout = 60s;
    nanoseconds none = 0s;
    std::vector<std::string> list;
    std::vector<double> floats;
    std::string tls = "false";
    set.add_string("log-prefix", "log_prefix", "log message prefix", &prefix);
    set.add_string("data-path", "data_path", "path to store disk-backed messages", &empty);
    set.add_int("mem-queue-size", "mem_queue_size", "number of messages", &size);
    set.add_int("max-channel-consumers", "", "maximum consumers", &zero);
    set.add_bool("snappy", "snappy", "enable snappy", &yes);
    set.add_bool("verbose", "", "[deprecated] has no effect", &no);
    set.add_bool("x", "", "one-letter bool", &h);
    set.add_duration("msg-timeout", "msg_timeout", "default duration", &timeout);
    set.add_duration("zero-timeout", "", "zero duration", &none);
    set.add_string_list("lookupd-tcp-address", "", "lookupd TCP address", &list);
    set.add_float_list("e2e-processing-latency-percentile", "", "percentiles", &floats, true);
    set.add_boolish_string("tls-required", "", "require TLS", &tls);
    set.add_string("log-level", "", "set log verbosity", &log_level);
    set.set_usage("log-level", "value", "INFO");
    set.add_string("config", "", "path to `file`\nsecond line", &empty);

    // Changing a target after registration does not change the default shown.
    size = 5;
    EXPECT_EQ(set.usage(),
              "Usage of nsqd:\n"
              "  -config file\n"
              "    \tpath to file\n"
              "    \tsecond line\n"
              "  -data-path string\n"
              "    \tpath to store disk-backed messages\n"
              "  -e2e-processing-latency-percentile value\n"
              "    \tpercentiles\n"
              "  -log-level value\n"
              "    \tset log verbosity (default INFO)\n"
              "  -log-prefix string\n"
              "    \tlog message prefix (default \"[nsqd] \")\n"
              "  -lookupd-tcp-address value\n"
              "    \tlookupd TCP address\n"
              "  -max-channel-consumers int\n"
              "    \tmaximum consumers\n"
              "  -mem-queue-size int\n"
              "    \tnumber of messages (default 10000)\n"
              "  -msg-timeout duration\n"
              "    \tdefault duration (default 1m0s)\n"
              "  -snappy\n"
              "    \tenable snappy (default true)\n"
              "  -tls-required\n"
              "    \trequire TLS\n"
              "  -verbose\n"
              "    \t[deprecated] has no effect\n"
              "  -x\tone-letter bool\n"
              "  -zero-timeout duration\n"
              "    \tzero duration\n");
}

}  // namespace
}  // namespace nsqpp::config
