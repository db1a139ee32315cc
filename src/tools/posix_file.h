#pragma once
// A POSIX file descriptor with whole writes, fsync and an optional gzip layer (zlib) whose
// members end at every sync point, as nsq_to_file's Go gzip.Writer Close()/Reset() does.
// Every failure throws std::system_error (nsq_to_file treats it as fatal).
#include <zlib.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace nsqpp::tools {

class posix_file {
  public:
    // open(2) with `flags` and mode 0666; throws std::system_error (code() == errc::file_exists
    // for O_EXCL on an existing file).
    posix_file(const std::string& path, int flags);
    ~posix_file();  // closes without syncing (error paths); close() is the normal end
    posix_file(const posix_file&) = delete;
    posix_file& operator=(const posix_file&) = delete;

    const std::string& path() const { return path_; }
    int64_t size_on_disk() const;  // fstat

    // Starts gzip output at `level` (1..9): each member begins at the next write.
    void enable_gzip(int level);
    void write(std::string_view data);
    // Ends the current gzip member (if any data went into it), then fsync.
    void sync();
    // Ends the gzip stream (an empty member if the file got none), fsync, close.
    void close();

  private:
    void write_raw(const char* data, size_t size);
    void deflate_some(int flush);

    std::string path_;
    int fd_ = -1;
    bool gzip_ = false;
    bool member_open_ = false;  // data written since the last member end
    bool any_member_ = false;   // at least one member finished in this file
    z_stream zs_{};
};

}  // namespace nsqpp::tools
