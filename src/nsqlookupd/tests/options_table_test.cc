// nsqlookupd's flags, config file and command-line handling (spec/nsqlookupd.md §1).
#include "nsqlookupd/options_table.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace nsqpp::nsqlookupd {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct run_result {
    std::optional<options> opts;
    int exit_code = -1;
    std::string out;
    std::string err;
};

run_result run(std::vector<const char*> args) {
    args.insert(args.begin(), "nsqlookupd");
    std::ostringstream out;
    std::ostringstream err;
    run_result r;
    r.opts = parse_command_line(static_cast<int>(args.size()), args.data(), &r.exit_code, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

class temp_file {
  public:
    explicit temp_file(const std::string& content) {
        static std::atomic<int> counter{0};
        dir_ = fs::temp_directory_path() /
               ("nsqpp-lookupd-options-test-" + std::to_string(::getpid()) + "-" +
                std::to_string(counter++));
        fs::create_directories(dir_);
        path_ = (dir_ / "nsqlookupd.cfg").string();
        std::ofstream(path_) << content;
    }
    ~temp_file() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    const std::string& path() const { return path_; }

  private:
    fs::path dir_;
    std::string path_;
};

TEST(nsqlookupd_options, defaults_are_nsq_defaults) {
    run_result r = run({});
    ASSERT_TRUE(r.opts);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.opts->log_level, "info");
    EXPECT_EQ(r.opts->log_prefix, "[nsqlookupd] ");
    EXPECT_EQ(r.opts->tcp_address, "0.0.0.0:4160");
    EXPECT_EQ(r.opts->http_address, "0.0.0.0:4161");
    EXPECT_EQ(r.opts->broadcast_address, os_hostname());
    EXPECT_EQ(r.opts->inactive_producer_timeout, 300s);
    EXPECT_EQ(r.opts->tombstone_lifetime, 45s);
    EXPECT_EQ(r.opts->worker_threads, 0);
    options plain;  // the struct leaves the broadcast address to the daemon
    EXPECT_EQ(plain.broadcast_address, "");
}

TEST(nsqlookupd_options, every_flag_is_accepted) {
    run_result r = run({"-log-level=DEBUG", "--log-prefix", "[lk] ", "-tcp-address=127.0.0.1:1",
                        "--http-address=127.0.0.1:2", "-broadcast-address", "b.example",
                        "--inactive-producer-timeout=1m30s", "-tombstone-lifetime=500ms",
                        "--verbose", "-worker-threads=3"});
    ASSERT_TRUE(r.opts) << r.err;
    EXPECT_EQ(r.opts->log_level, "debug");
    EXPECT_EQ(r.opts->log_prefix, "[lk] ");
    EXPECT_EQ(r.opts->tcp_address, "127.0.0.1:1");
    EXPECT_EQ(r.opts->http_address, "127.0.0.1:2");
    EXPECT_EQ(r.opts->broadcast_address, "b.example");
    EXPECT_EQ(r.opts->inactive_producer_timeout, 90s);
    EXPECT_EQ(r.opts->tombstone_lifetime, 500ms);
    EXPECT_EQ(r.opts->worker_threads, 3);
}

TEST(nsqlookupd_options, bad_flags_exit_2_with_usage) {
    run_result r = run({"--nope"});
    EXPECT_FALSE(r.opts);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err.rfind("flag provided but not defined: -nope\nUsage of nsqlookupd:\n", 0), 0u)
        << r.err;
    r = run({"--tombstone-lifetime=45"});
    EXPECT_EQ(r.exit_code, 2);
    r = run({"--log-level=loud"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("invalid value \"loud\" for flag -log-level"), std::string::npos) << r.err;
}

TEST(nsqlookupd_options, help_and_version) {
    run_result h = run({"-h"});
    EXPECT_EQ(h.exit_code, 0);
    for (const char* flag :
         {"-broadcast-address string", "-config string", "-http-address string",
          "-inactive-producer-timeout duration", "-log-level value", "-log-prefix string",
          "-tcp-address string", "-tombstone-lifetime duration", "-verbose", "-version",
          "-worker-threads int"}) {
        EXPECT_NE(h.err.find(std::string("  ") + flag), std::string::npos) << flag << h.err;
    }
    EXPECT_NE(h.err.find("(default 5m0s)"), std::string::npos) << h.err;
    EXPECT_NE(h.err.find("(default 45s)"), std::string::npos) << h.err;
    EXPECT_NE(h.err.find("(default INFO)"), std::string::npos) << h.err;
    EXPECT_NE(h.err.find("(default \"0.0.0.0:4160\")"), std::string::npos) << h.err;
    EXPECT_NE(h.err.find("(default \"[nsqlookupd] \")"), std::string::npos) << h.err;
    run_result v = run({"--version"});
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_FALSE(v.opts);
    EXPECT_EQ(v.out, "nsqlookupd v1.3.0 (built w/nsqpp)\n");
}

TEST(nsqlookupd_options, config_file_and_precedence) {
    temp_file cfg(
        "log_level = \"WARN\"\n"
        "log_prefix = \"[cfg] \"\n"
        "tcp_address = \"127.0.0.1:14160\"\n"
        "http_address = \"127.0.0.1:14161\"\n"
        "broadcast_address = \"cfg.example\"\n"
        "inactive_producer_timeout = \"10s\"\n"
        "tombstone_lifetime = 2500\n"
        "unknown_key = 1\n");
    std::string flag = "--config=" + cfg.path();
    run_result r = run({flag.c_str(), "--http-address=127.0.0.1:9"});
    ASSERT_TRUE(r.opts) << r.err;
    EXPECT_EQ(r.opts->log_level, "warn");
    EXPECT_EQ(r.opts->log_prefix, "[cfg] ");
    EXPECT_EQ(r.opts->tcp_address, "127.0.0.1:14160");
    EXPECT_EQ(r.opts->http_address, "127.0.0.1:9");  // the command line wins
    EXPECT_EQ(r.opts->broadcast_address, "cfg.example");
    EXPECT_EQ(r.opts->inactive_producer_timeout, 10s);
    EXPECT_EQ(r.opts->tombstone_lifetime, 2500ms);  // a bare integer is milliseconds
}

TEST(nsqlookupd_options, config_file_errors_are_fatal) {
    run_result missing = run({"--config=/nonexistent/lookupd.cfg"});
    EXPECT_FALSE(missing.opts);
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_EQ(missing.err.rfind("[nsqlookupd] ", 0), 0u) << missing.err;
    EXPECT_NE(missing.err.find(" FATAL: failed to load config file /nonexistent/lookupd.cfg - "),
              std::string::npos)
        << missing.err;

    temp_file bad("log_level = \"loud\"\n");
    std::string flag = "--config=" + bad.path();
    run_result r = run({flag.c_str()});
    EXPECT_FALSE(r.opts);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(" failed parsing log_level loud\n"), std::string::npos) << r.err;

    temp_file garbage("tcp_address = [\n");
    flag = "--config=" + garbage.path();
    r = run({flag.c_str()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("failed to load config file"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace nsqpp::nsqlookupd
