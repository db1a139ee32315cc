#include "tools/record_reader.h"

#include <algorithm>

namespace nsqpp::tools {

void record_splitter::feed(std::string_view chunk, const sink& emit) {
    size_t start = 0;
    while (true) {
        size_t pos = chunk.find(delimiter_, start);
        if (pos == std::string_view::npos) break;
        partial_.append(chunk.substr(start, pos - start));
        if (!partial_.empty()) emit(partial_);
        partial_.clear();
        start = pos + 1;
    }
    partial_.append(chunk.substr(start));
}

void record_splitter::finish(const sink& emit) {
    if (!partial_.empty()) emit(partial_);
    partial_.clear();
}

token_bucket::token_bucket(int64_t rate, clock::time_point now)
    : rate_(static_cast<double>(rate)), last_(now) {}

token_bucket::clock::duration token_bucket::take(clock::time_point now) {
    double elapsed = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    tokens_ = std::min(rate_, tokens_ + elapsed * rate_);
    if (tokens_ >= 1.0) {
        tokens_ -= 1.0;
        return clock::duration::zero();
    }
    // Sleep until one token is there, then spend it.
    double missing = 1.0 - tokens_;
    tokens_ = 0.0;
    auto wait = std::chrono::duration<double>(missing / rate_);
    last_ = now + std::chrono::duration_cast<clock::duration>(wait);
    return std::chrono::duration_cast<clock::duration>(wait);
}

}  // namespace nsqpp::tools
