// nsq_to_file (the binary): every message exactly once across size and time rotations, gzip
// output that decodes, work dir → output dir moves, SIGTERM syncing before FIN.
#include <gtest/gtest.h>
#include <signal.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>

#include "tests/integration/tools/tool_test_support.h"
#include "tests/support/test_nsqd.h"

namespace nsqpp::test {
namespace {
namespace fs = std::filesystem;

std::vector<std::string> files_in(const std::string& dir) {
    std::vector<std::string> out;
    if (!fs::exists(dir)) return out;
    for (auto& e : fs::recursive_directory_iterator(dir)) {
        if (e.is_regular_file()) out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string gunzip(const std::string& data) {
    std::string out;
    z_stream zs{};
    inflateInit2(&zs, 15 + 16);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    char buf[4096];
    while (zs.avail_in > 0) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        int rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buf, sizeof buf - zs.avail_out);
        if (rc == Z_STREAM_END) {
            inflateReset(&zs);
        } else if (rc != Z_OK) {
            ADD_FAILURE() << "corrupt gzip data";
            break;
        }
    }
    inflateEnd(&zs);
    return out;
}

// Every line of every file (gunzipped when named *.gz), sorted.
std::vector<std::string> all_lines(const std::vector<std::string>& files) {
    std::vector<std::string> lines;
    for (const auto& f : files) {
        std::string data = read_file(f);
        if (f.size() > 3 && f.substr(f.size() - 3) == ".gz") data = gunzip(data);
        EXPECT_TRUE(data.empty() || data.back() == '\n') << f;
        for (auto& l : split_lines(data)) lines.push_back(l);
    }
    std::sort(lines.begin(), lines.end());
    return lines;
}

std::vector<std::string> make_bodies(const std::string& prefix, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(1000 + i));
    return out;
}

bool all_finished(const nsqd::nsqd& d, const std::string& topic, int64_t count) {
    auto st = channel_stats(d, topic, "nsq_to_file");
    return st.message_count == count && st.depth == 0 && st.in_flight == 0;
}

void stop_and_expect_clean_exit(child_process& p) {
    p.signal(SIGTERM);
    auto rc = p.wait(60s);
    ASSERT_TRUE(rc.has_value()) << p.log();
    EXPECT_EQ(*rc, 0) << p.log();
}

TEST(NsqToFile, ExactlyOnceAcrossSizeRotation) {
    auto d = start_nsqd();
    std::string dir = temp_dir();
    auto bodies = make_bodies("size-", 300);
    http_mpub(*d, "sz", bodies);
    auto p = spawn_redirected(
        NSQ_TO_FILE_BIN,
        {"--topic", "sz", "--nsqd-tcp-address", tcp_address(*d), "--output-dir", dir + "/out",
         "--rotate-size", "1000", "--sync-interval", "200ms", "--max-in-flight", "40"},
        "", "", dir + "/log");
    ASSERT_TRUE(wait_until([&] { return all_finished(*d, "sz", 300); })) << p->log();
    stop_and_expect_clean_exit(*p);
    auto files = files_in(dir + "/out");
    EXPECT_GE(files.size(), 3u);  // 300 × 10 bytes in files of ~1000 bytes
    for (const auto& f : files) {
        EXPECT_NE(f.find("/sz."), std::string::npos) << f;
        EXPECT_NE(f.find(".log"), std::string::npos) << f;
        EXPECT_NE(f.find("-00000"), std::string::npos) << f;  // <REV>
    }
    std::sort(bodies.begin(), bodies.end());
    EXPECT_EQ(all_lines(files), bodies);
}

TEST(NsqToFile, GzipTimeRotationAndWorkDirMove) {
    auto d = start_nsqd();
    std::string dir = temp_dir();
    auto p = spawn_redirected(
        NSQ_TO_FILE_BIN,
        {"--topic", "gz", "--nsqd-tcp-address", tcp_address(*d), "--output-dir", dir + "/out",
         "--work-dir", dir + "/work", "--gzip", "--gzip-level", "9", "--rotate-interval", "300ms",
         "--sync-interval", "100ms", "--skip-empty-files", "--filename-format",
         "<TOPIC>/<HOST><REV>.<DATETIME>.log"},
        "", "", dir + "/log");
    std::vector<std::string> want;
    for (int batch = 0; batch < 3; ++batch) {
        auto bodies = make_bodies("gz" + std::to_string(batch) + "-", 50);
        http_mpub(*d, "gz", bodies);
        want.insert(want.end(), bodies.begin(), bodies.end());
        ASSERT_TRUE(wait_until([&] { return all_finished(*d, "gz", (batch + 1) * 50); }))
            << p->log();
        // Let the open file age past --rotate-interval so the next batch goes to a new file.
        ASSERT_TRUE(wait_until([&] { return files_in(dir + "/out").size() > size_t(batch); }))
            << p->log();
    }
    stop_and_expect_clean_exit(*p);
    EXPECT_TRUE(files_in(dir + "/work").empty());
    auto files = files_in(dir + "/out");
    EXPECT_GE(files.size(), 3u);
    for (const auto& f : files) {
        EXPECT_EQ(f.substr(f.size() - 7), ".log.gz") << f;
        EXPECT_NE(f.find("/out/gz/"), std::string::npos) << f;
    }
    std::sort(want.begin(), want.end());
    EXPECT_EQ(all_lines(files), want);
}

TEST(NsqToFile, SigtermSyncsBeforeFinishing) {
    auto d = start_nsqd();
    std::string dir = temp_dir();
    auto p = spawn_redirected(
        NSQ_TO_FILE_BIN,
        {"--topic", "term", "--nsqd-tcp-address", tcp_address(*d), "--output-dir", dir,
         "--sync-interval", "1h", "--max-in-flight", "1000", "--datetime-format", "fixed"},
        "", "", dir + "/log");
    auto bodies = make_bodies("t-", 10);
    http_mpub(*d, "term", bodies);
    // Delivered and written (page cache) but not yet acknowledged: nsq_to_file waits for a
    // sync point. (Waiting for the lines too makes sure the tool has read every message before
    // its CLS: nsqd may answer CLOSE_WAIT ahead of message frames it still buffers.)
    auto term_lines = [&] {
        for (const auto& f : files_in(dir)) {
            if (f.find("/term.") != std::string::npos) return split_lines(read_file(f)).size();
        }
        return size_t(0);
    };
    ASSERT_TRUE(wait_until([&] {
        return term_lines() == 10 && channel_stats(*d, "term", "nsq_to_file").in_flight > 0;
    })) << p->log();
    stop_and_expect_clean_exit(*p);
    // nsqd may still be reading the last FINs from the closed socket; lost FINs would keep the
    // messages in flight until --msg-timeout (60 s).
    EXPECT_TRUE(wait_until(
        [&] {
            auto st = channel_stats(*d, "term", "nsq_to_file");
            return st.in_flight == 0 && st.depth == 0;
        },
        20s))
        << p->log();
    EXPECT_EQ(channel_stats(*d, "term", "nsq_to_file").requeue_count, 0);
    auto files = files_in(dir);
    std::vector<std::string> logs;
    std::copy_if(files.begin(), files.end(), std::back_inserter(logs),
                 [](const std::string& f) { return f.find("/term.") != std::string::npos; });
    ASSERT_EQ(logs.size(), 1u);
    std::sort(bodies.begin(), bodies.end());
    EXPECT_EQ(all_lines(logs), bodies);
}

TEST(NsqToFile, SighupClosesFileAndNextMessageOpensNextRevision) {
    auto d = start_nsqd();
    std::string dir = temp_dir();
    auto p = spawn_redirected(
        NSQ_TO_FILE_BIN,
        {"--topic", "hup", "--nsqd-tcp-address", tcp_address(*d), "--output-dir", dir + "/out",
         "--work-dir", dir + "/work", "--sync-interval", "100ms", "--skip-empty-files",
         "--datetime-format", "fixed"},  // no hourly rotation during the test
        "", "", dir + "/log");
    auto first = make_bodies("h1-", 5);
    http_mpub(*d, "hup", first);
    ASSERT_TRUE(wait_until([&] { return all_finished(*d, "hup", 5); })) << p->log();
    EXPECT_TRUE(files_in(dir + "/out").empty());  // still being written in the work dir
    p->signal(SIGHUP);
    ASSERT_TRUE(wait_until([&] {
        return files_in(dir + "/out").size() == 1 && files_in(dir + "/work").empty();
    })) << p->log();
    auto second = make_bodies("h2-", 5);
    http_mpub(*d, "hup", second);
    ASSERT_TRUE(wait_until([&] { return all_finished(*d, "hup", 10); })) << p->log();
    stop_and_expect_clean_exit(*p);
    auto files = files_in(dir + "/out");
    ASSERT_EQ(files.size(), 2u);
    EXPECT_NE(files[0].find("-000000."), std::string::npos) << files[0];
    EXPECT_NE(files[1].find("-000001."), std::string::npos) << files[1];
    first.insert(first.end(), second.begin(), second.end());
    std::sort(first.begin(), first.end());
    EXPECT_EQ(all_lines(files), first);
}

TEST(NsqToFile, DiscoversTopicsMatchingPatternThroughLookupd) {
    auto l = start_lookupd();
    auto d = start_nsqd_for(*l);
    http_pub(*d, "disc_a", "a1");
    http_pub(*d, "disc_b", "b1");
    http_pub(*d, "other", "o1");
    ASSERT_TRUE(wait_until([&] {
        return lookupd_has_producer(*l, "disc_a") && lookupd_has_producer(*l, "disc_b") &&
               lookupd_has_producer(*l, "other");
    }));
    std::string dir = temp_dir();
    auto p = spawn_redirected(
        NSQ_TO_FILE_BIN,
        {"--lookupd-http-address", http_address(*l), "--topic-pattern", "^disc_", "--topic-refresh",
         "200ms", "--output-dir", dir, "--sync-interval", "100ms"},
        "", "", dir + "/log");
    ASSERT_TRUE(wait_until([&] {
        return all_finished(*d, "disc_a", 1) && all_finished(*d, "disc_b", 1);
    })) << p->log();
    stop_and_expect_clean_exit(*p);
    EXPECT_EQ(channel_stats(*d, "other", "nsq_to_file").message_count, -1);  // never consumed
    std::vector<std::string> names;
    for (const auto& f : files_in(dir)) names.push_back(fs::path(f).filename().string());
    auto has_prefix = [&](const std::string& prefix) {
        return std::any_of(names.begin(), names.end(),
                           [&](const std::string& n) { return n.rfind(prefix, 0) == 0; });
    };
    EXPECT_TRUE(has_prefix("disc_a."));
    EXPECT_TRUE(has_prefix("disc_b."));
    EXPECT_FALSE(has_prefix("other."));
    EXPECT_NE(p->log().find("skipping topic other (doesn't match pattern ^disc_)"),
              std::string::npos)
        << p->log();
}

TEST(NsqToFile, MissingRevIsReportedForTheTopic) {
    auto d = start_nsqd();
    std::string dir = temp_dir();
    auto p = spawn_redirected(NSQ_TO_FILE_BIN,
                              {"--topic", "norev", "--nsqd-tcp-address", tcp_address(*d),
                               "--output-dir", dir, "--gzip", "--filename-format", "<TOPIC>.log"},
                              "", "", dir + "/log");
    ASSERT_TRUE(wait_until([&] {
        return p->log().find(
                   "missing <REV> in --filename-format when gzip, rotation, or work "
                   "dir enabled") != std::string::npos;
    })) << p->log();
    stop_and_expect_clean_exit(*p);
}

TEST(NsqToFile, FlagValidation) {
    struct tc {
        std::vector<std::string> args;
        int code;
        std::string text;
    };
    std::vector<tc> cases = {
        {{"--topic", "t"}, 1, "--nsqd-tcp-address or --lookupd-http-address required."},
        {{"--topic", "t", "--nsqd-tcp-address", "a:1", "--gzip-level", "10"},
         1,
         "invalid --gzip-level value (10), should be 1-9"},
        {{"--nsqd-tcp-address", "a:1"}, 1, "--topic or --topic-pattern required"},
        {{"--topic-pattern", "x", "--nsqd-tcp-address", "a:1"},
         1,
         "--lookupd-http-address must be specified when no --topic specified"},
        {{"--channel", "", "--topic", "t"}, 1, "--channel is required"},
        {{"--log-level", "loud"}, 1, "--log-level is invalid"},
        {{"--topic", "t", "extra"}, 1, "unknown arguments: [extra]"},
        {{"--version"}, 0, "nsq_to_file v1.3.0"},
    };
    std::string dir = temp_dir();
    for (const auto& c : cases) {
        child_process p(NSQ_TO_FILE_BIN, c.args, dir + "/log");
        auto rc = p.wait(30s);
        ASSERT_TRUE(rc.has_value()) << c.text;
        EXPECT_EQ(*rc, c.code) << c.text << "\n" << p.log();
        EXPECT_NE(p.log().find(c.text), std::string::npos) << p.log();
    }
}

}  // namespace
}  // namespace nsqpp::test
