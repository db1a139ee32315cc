#include "tools/rotating_file.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tools/file_name.h"

namespace nsqpp::tools {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct fake_clock {
    std::chrono::system_clock::time_point t = std::chrono::system_clock::from_time_t(1700000000);
    wall_clock fn() {
        return [this] { return t; };
    }
};

class RotatingFile : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/nsqpp_rotating_XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { fs::remove_all(dir_); }

    static std::string read(const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    std::vector<std::string> files(const std::string& sub) const {
        std::vector<std::string> out;
        for (auto& e : fs::directory_iterator(fs::path(dir_) / sub)) {
            out.push_back(e.path().filename().string());
        }
        std::sort(out.begin(), out.end());
        return out;
    }
    rotating_file make(rotating_file_options o, const std::string& fmt) {
        return rotating_file(std::move(o), fmt, std::make_shared<spdlog::logger>("null"), "[t/c]",
                             clock_.fn());
    }
    void write_line(rotating_file& f, const std::string& s) {
        if (f.needs_rotation()) f.update_file();
        f.write(s + "\n");
    }

    std::string dir_;
    fake_clock clock_;
};

TEST_F(RotatingFile, RotatesBySizeWithRevisions) {
    rotating_file_options o;
    o.output_dir = dir_;
    o.rotate_size = 10;
    auto f = make(o, "t<REV>.log");
    for (int i = 0; i < 5; ++i) write_line(f, "msg" + std::to_string(i) + "xx");  // 7 bytes
    f.close();
    // 7 bytes: no rotation; 14 > 10: next message rotates, so two messages per file
    EXPECT_EQ(files(""),
              (std::vector<std::string>{"t-000000.log", "t-000001.log", "t-000002.log"}));
    EXPECT_EQ(read(fs::path(dir_) / "t-000000.log"), "msg0xx\nmsg1xx\n");
    EXPECT_EQ(read(fs::path(dir_) / "t-000002.log"), "msg4xx\n");
}

TEST_F(RotatingFile, RotatesByIntervalAndNameChange) {
    rotating_file_options o;
    o.output_dir = dir_;
    o.rotate_interval = 10s;
    o.datetime_format = "%H";
    auto f = make(o, "<DATETIME><REV>.log");
    write_line(f, "a");
    clock_.t += 5s;
    EXPECT_FALSE(f.needs_rotation());
    clock_.t += 6s;
    EXPECT_TRUE(f.needs_rotation());
    f.update_file();
    f.write("b\n");
    std::string first = f.current_path();
    clock_.t += 1h;  // new hour: new name, revision back to 0
    EXPECT_TRUE(f.needs_rotation());
    f.update_file();
    f.write("c\n");
    std::string second = f.current_path();
    f.close();
    EXPECT_NE(first.find("-000001.log"), std::string::npos) << first;
    EXPECT_NE(second.find("-000000.log"), std::string::npos) << second;
    EXPECT_EQ(files("").size(), 3u);
    EXPECT_EQ(read(second), "c\n");
}

TEST_F(RotatingFile, AppendsToExistingFileWithoutRev) {
    rotating_file_options o;
    o.output_dir = dir_;
    {
        auto f = make(o, "t.log");
        write_line(f, "one");
        f.close();
    }
    auto f = make(o, "t.log");
    write_line(f, "two");
    EXPECT_EQ(f.size(), 8);  // size on disk at open + bytes written
    f.close();
    EXPECT_EQ(read(fs::path(dir_) / "t.log"), "one\ntwo\n");
}

TEST_F(RotatingFile, WorkDirMovesOnCloseWithoutOverwriting) {
    fs::create_directories(fs::path(dir_) / "out");
    rotating_file_options o;
    o.output_dir = dir_ + "/out";
    o.work_dir = dir_ + "/work";
    auto f = make(o, "sub/t<REV>.log");
    // A file already in the output dir: revision 0 is skipped at open.
    fs::create_directories(fs::path(o.output_dir) / "sub");
    std::ofstream(fs::path(o.output_dir) / "sub/t-000000.log") << "old\n";
    write_line(f, "x");
    EXPECT_EQ(f.current_path(), o.work_dir + "/sub/t-000001.log");
    // Someone creates the target while the file is open: the move picks the next revision.
    std::ofstream(fs::path(o.output_dir) / "sub/t-000001.log") << "late\n";
    f.close();
    EXPECT_TRUE(files("work/sub").empty());
    EXPECT_EQ(files("out/sub"),
              (std::vector<std::string>{"t-000000.log", "t-000001.log", "t-000002.log"}));
    EXPECT_EQ(read(fs::path(o.output_dir) / "sub/t-000002.log"), "x\n");
    EXPECT_EQ(read(fs::path(o.output_dir) / "sub/t-000001.log"), "late\n");
}

std::string gunzip_all(const std::string& data) {
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
            out += "<error>";
            break;
        }
    }
    inflateEnd(&zs);
    return out;
}

TEST_F(RotatingFile, GzipMembersPerSyncDecodeAsOneStream) {
    rotating_file_options o;
    o.output_dir = dir_;
    o.gzip = true;
    o.gzip_level = 9;
    auto f = make(o, "t<REV>.log.gz");
    write_line(f, "first");
    f.sync();
    write_line(f, "second");
    f.sync();
    write_line(f, "third");
    f.close();
    std::string raw = read(fs::path(dir_) / "t-000000.log.gz");
    ASSERT_GE(raw.size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>(raw[0]), 0x1f);
    EXPECT_EQ(gunzip_all(raw), "first\nsecond\nthird\n");
    // Reopening the same name with gzip is create-exclusive: the next revision.
    auto g = make(o, "t<REV>.log.gz");
    write_line(g, "x");
    EXPECT_EQ(g.current_path(), dir_ + "/t-000001.log.gz");
    g.close();
}

TEST_F(RotatingFile, EmptyGzipFileIsValid) {
    rotating_file_options o;
    o.output_dir = dir_;
    o.gzip = true;
    auto f = make(o, "e<REV>.gz");
    f.update_file();
    f.close();
    std::string raw = read(fs::path(dir_) / "e-000000.gz");
    EXPECT_FALSE(raw.empty());
    EXPECT_EQ(gunzip_all(raw), "");
}

}  // namespace
}  // namespace nsqpp::tools
