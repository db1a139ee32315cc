#pragma once
// to_nsq's input side (spec/tools.md §5): splitting a byte stream into records at a one-byte
// delimiter, and the --rate token bucket.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace nsqpp::tools {

class record_splitter {
  public:
    using sink = std::function<void(const std::string& record)>;
    explicit record_splitter(char delimiter) : delimiter_(delimiter) {}

    // Emits every complete non-empty record in `chunk` (delimiter removed).
    void feed(std::string_view chunk, const sink& emit);
    // End of input: emits a non-empty unterminated tail as a whole record. (NSQ's to_nsq drops
    // its last byte; nsqpp publishes it complete — see docs/tools.md.)
    void finish(const sink& emit);

  private:
    char delimiter_;
    std::string partial_;
};

// At most `rate` tokens per second: refilled one per 1/rate s, capped at `rate`, starting
// with one token.
class token_bucket {
  public:
    using clock = std::chrono::steady_clock;
    token_bucket(int64_t rate, clock::time_point now = clock::now());
    // Takes a token; returns how long to sleep first (zero when one was available).
    clock::duration take(clock::time_point now = clock::now());

  private:
    double rate_;
    double tokens_ = 1.0;
    clock::time_point last_;
};

}  // namespace nsqpp::tools
