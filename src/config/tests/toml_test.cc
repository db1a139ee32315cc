// Config file (TOML) loading and precedence (spec/nsqd.md §8.3).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/option_set.h"

namespace nsqpp::config {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// A directory under the system temp dir, removed with everything in it at the end of the test.
class temp_dir {
  public:
    temp_dir() {
        static std::atomic<int> counter{0};
        path_ = fs::temp_directory_path() / ("nsqpp-config-test-" + std::to_string(::getpid()) +
                                             "-" + std::to_string(counter++));
        fs::create_directories(path_);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    std::string write(const std::string& name, const std::string& content) const {
        fs::path p = path_ / name;
        std::ofstream(p, std::ios::binary) << content;
        return p.string();
    }
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

struct values {
    std::string tcp_address = "0.0.0.0:4150";
    std::string http_address = "0.0.0.0:4151";
    int64_t mem_queue_size = 10000;
    int64_t node_id = -1;
    bool snappy = true;
    bool deflate = true;
    bool statsd_mem_stats = true;
    nanoseconds msg_timeout = 60s;
    nanoseconds sync_timeout = 2s;
    std::vector<std::string> lookupds;
    std::vector<double> percentiles;
    std::string tls_required = "false";
    std::string config;
};

class toml_test : public ::testing::Test {
  protected:
    toml_test() {
        set_.add_string("config", "", "path to config file", &v_.config);
        set_.add_string("tcp-address", "tcp_address", "", &v_.tcp_address);
        set_.add_string("http-address", "http_address", "", &v_.http_address);
        set_.add_int("mem-queue-size", "mem_queue_size", "", &v_.mem_queue_size);
        set_.add_int("node-id", "id", "", &v_.node_id);
        set_.add_bool("snappy", "snappy", "", &v_.snappy);
        set_.add_bool("deflate", "deflate", "", &v_.deflate);
        set_.add_bool("statsd-mem-stats", "statsd_mem_stats", "", &v_.statsd_mem_stats);
        set_.add_duration("msg-timeout", "msg_timeout", "", &v_.msg_timeout);
        set_.add_duration("sync-timeout", "sync_timeout", "", &v_.sync_timeout);
        set_.add_string_list("lookupd-tcp-address", "nsqlookupd_tcp_addresses", "", &v_.lookupds);
        set_.add_float_list("e2e-processing-latency-percentile",
                            "e2e_processing_latency_percentiles", "", &v_.percentiles, true);
        set_.add_boolish_string("tls-required", "tls_required", "", &v_.tls_required);
    }

    std::string load(const std::string& content) {
        return set_.load_toml_file(dir_.write("nsqd.cfg", content));
    }

    option_set::parse_outcome parse(std::vector<const char*> args) {
        args.insert(args.begin(), "nsqd");
        return set_.parse_args(static_cast<int>(args.size()), args.data());
    }

    temp_dir dir_;
    values v_;
    option_set set_{"nsqd"};
};

TEST_F(toml_test, applies_values_of_every_kind) {
    EXPECT_EQ(load("tcp_address = \"127.0.0.1:5150\"\n"
                   "mem_queue_size = 5\n"
                   "id = 7\n"
                   "snappy = false\n"
                   "msg_timeout = \"90s\"\n"
                   "nsqlookupd_tcp_addresses = [\"a:4160\", \"b:4160\"]\n"
                   "e2e_processing_latency_percentiles = [0.5, 1.0, 0.99]\n"
                   "tls_required = true\n"),
              "");
    EXPECT_EQ(v_.tcp_address, "127.0.0.1:5150");
    EXPECT_EQ(v_.mem_queue_size, 5);
    EXPECT_EQ(v_.node_id, 7);
    EXPECT_FALSE(v_.snappy);
    EXPECT_EQ(v_.msg_timeout, 90s);
    EXPECT_EQ(v_.lookupds, (std::vector<std::string>{"a:4160", "b:4160"}));
    // Config-file percentiles keep their order (only the flag sorts).
    EXPECT_EQ(v_.percentiles, (std::vector<double>{0.5, 1.0, 0.99}));
    EXPECT_EQ(v_.tls_required, "true");
    EXPECT_EQ(v_.http_address, "0.0.0.0:4151");  // absent: default kept
}

TEST_F(toml_test, precedence_flag_beats_file_beats_default) {
    ASSERT_EQ(parse({"--tcp-address=127.0.0.1:1", "--mem-queue-size=0",
                     "--lookupd-tcp-address=flag:4160"})
                  .result,
              option_set::parse_outcome::ok);
    EXPECT_EQ(load("tcp_address = \"127.0.0.1:2\"\n"
                   "http_address = \"127.0.0.1:3\"\n"
                   "mem_queue_size = 99\n"
                   "nsqlookupd_tcp_addresses = [\"file:4160\"]\n"),
              "");
    EXPECT_EQ(v_.tcp_address, "127.0.0.1:1");  // flag
    EXPECT_EQ(v_.mem_queue_size, 0);           // flag, even when equal to a zero value
    EXPECT_EQ(v_.lookupds, std::vector<std::string>{"flag:4160"});
    EXPECT_EQ(v_.http_address, "127.0.0.1:3");  // file
    EXPECT_EQ(v_.msg_timeout, 60s);             // default
}

TEST_F(toml_test, a_bad_value_for_an_option_set_by_flag_is_not_looked_at) {
    ASSERT_EQ(parse({"--msg-timeout=1s"}).result, option_set::parse_outcome::ok);
    EXPECT_EQ(load("msg_timeout = \"bogus\"\n"), "");
    EXPECT_EQ(v_.msg_timeout, 1s);
}

TEST_F(toml_test, integer_durations_are_milliseconds) {
    EXPECT_EQ(load("msg_timeout = 12000\nsync_timeout = 0\n"), "");
    EXPECT_EQ(v_.msg_timeout, 12s);
    EXPECT_EQ(v_.sync_timeout, 0s);
}

TEST_F(toml_test, bad_durations) {
    EXPECT_EQ(load("msg_timeout = \"12000\"\n"),
              "invalid value \"12000\" for msg_timeout - time: invalid duration \"12000\"");
    EXPECT_EQ(load("msg_timeout = 1.5\n"),
              "invalid value 1.5 for msg_timeout - invalid value type");
    EXPECT_EQ(load("msg_timeout = 9223372036854775807\n"),
              "invalid value 9223372036854775807 for msg_timeout - value out of range");
}

TEST_F(toml_test, integer_booleans_are_inverted) {
    EXPECT_EQ(load("snappy = 0\ndeflate = 1\nstatsd_mem_stats = 2\n"), "");
    EXPECT_TRUE(v_.snappy);
    EXPECT_FALSE(v_.deflate);
    EXPECT_FALSE(v_.statsd_mem_stats);
}

TEST_F(toml_test, string_booleans_use_go_syntax) {
    EXPECT_EQ(load("snappy = \"F\"\n"), "");
    EXPECT_FALSE(v_.snappy);
    EXPECT_EQ(load("snappy = \"no\"\n"),
              "invalid value \"no\" for snappy - strconv.ParseBool: parsing \"no\": invalid "
              "syntax");
}

TEST_F(toml_test, integers_from_strings_are_base_10) {
    EXPECT_EQ(load("mem_queue_size = \"42\"\n"), "");
    EXPECT_EQ(v_.mem_queue_size, 42);
    EXPECT_EQ(load("mem_queue_size = \"0x10\"\n"),
              "invalid value \"0x10\" for mem_queue_size - strconv.ParseInt: parsing \"0x10\": "
              "invalid syntax");
    EXPECT_EQ(load("mem_queue_size = 1.0\n"),
              "invalid value 1 for mem_queue_size - invalid value type");
}

TEST_F(toml_test, list_forms) {
    EXPECT_EQ(load("nsqlookupd_tcp_addresses = \"a:4160,b:4160\"\n"
                   "e2e_processing_latency_percentiles = \"0.5, 0.99,1\"\n"),
              "");
    EXPECT_EQ(v_.lookupds, (std::vector<std::string>{"a:4160", "b:4160"}));
    EXPECT_EQ(v_.percentiles, (std::vector<double>{0.5, 0.99, 1.0}));

    EXPECT_EQ(
        load("nsqlookupd_tcp_addresses = []\ne2e_processing_latency_percentiles = [1, 0.5]\n"), "");
    EXPECT_TRUE(v_.lookupds.empty());
    EXPECT_EQ(v_.percentiles, (std::vector<double>{1.0, 0.5}));

    EXPECT_EQ(load("nsqlookupd_tcp_addresses = \"\"\n"), "");
    EXPECT_TRUE(v_.lookupds.empty());

    EXPECT_EQ(load("nsqlookupd_tcp_addresses = [1]\n"),
              "invalid value (array) for nsqlookupd_tcp_addresses - invalid value type");
    EXPECT_EQ(load("e2e_processing_latency_percentiles = \"0.5,x\"\n"),
              "invalid value \"0.5,x\" for e2e_processing_latency_percentiles - "
              "strconv.ParseFloat: parsing \"x\": invalid syntax");
}

TEST_F(toml_test, bool_like_strings_accept_bools_and_strings) {
    EXPECT_EQ(load("tls_required = \"tcp-https\"\n"), "");
    EXPECT_EQ(v_.tls_required, "tcp-https");
    EXPECT_EQ(load("tls_required = false\n"), "");
    EXPECT_EQ(v_.tls_required, "false");
}

TEST_F(toml_test, unknown_keys_and_tables_are_ignored) {
    EXPECT_EQ(load("no_such_option = 1\n"
                   "mem_queue_size = 3\n"
                   "[section]\n"
                   "tcp_address = \"ignored:1\"\n"),
              "");
    EXPECT_EQ(v_.mem_queue_size, 3);
    EXPECT_EQ(v_.tcp_address, "0.0.0.0:4150");
}

TEST_F(toml_test, keys_without_config_name_are_not_read) {
    EXPECT_EQ(load("config = \"other.cfg\"\n"), "");
    EXPECT_EQ(v_.config, "");
}

TEST_F(toml_test, wrong_types) {
    EXPECT_EQ(load("tcp_address = [\"a\"]\n"),
              "invalid value (array) for tcp_address - invalid value type");
    EXPECT_EQ(load("snappy = 1.5\n"), "invalid value 1.5 for snappy - invalid value type");
    // A scalar where a string is expected is used as its text.
    EXPECT_EQ(load("tcp_address = 4150\n"), "");
    EXPECT_EQ(v_.tcp_address, "4150");
}

TEST_F(toml_test, invalid_toml_reports_the_line) {
    std::string err = load("mem_queue_size = 1\nthis is not toml\n");
    EXPECT_EQ(err.rfind("toml: line 2: ", 0), 0u) << err;
}

TEST_F(toml_test, unreadable_files) {
    std::string missing = (dir_.path() / "missing.cfg").string();
    EXPECT_EQ(set_.load_toml_file(missing), "open " + missing + ": no such file or directory");
    EXPECT_EQ(set_.load_toml_file(dir_.path().string()),
              "read " + dir_.path().string() + ": is a directory");
}

TEST_F(toml_test, empty_file_changes_nothing) {
    EXPECT_EQ(load(""), "");
    EXPECT_EQ(v_.mem_queue_size, 10000);
}

TEST_F(toml_test, load_from_string) {
    EXPECT_EQ(set_.load_toml_string("mem_queue_size = 8\n", "inline"), "");
    EXPECT_EQ(v_.mem_queue_size, 8);
}

}  // namespace
}  // namespace nsqpp::config
