#include "diskqueue/meta.h"

#include <fmt/format.h>

#include <limits>

namespace nsqpp::diskqueue {
namespace {

// A cursor over the meta text that reads Go-style %d numbers and literal separators.
class scanner {
  public:
    explicit scanner(std::string_view text) : text_(text) {}

    bool number(int64_t& out) {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
        bool negative = false;
        if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) {
            negative = text_[pos_] == '-';
            ++pos_;
        }
        const size_t start = pos_;
        // Accumulate as a negative number so that INT64_MIN is representable.
        int64_t value = 0;
        constexpr int64_t min = std::numeric_limits<int64_t>::min();
        while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
            const int digit = text_[pos_] - '0';
            if (value < (min + digit) / 10) return false;
            value = value * 10 - digit;
            ++pos_;
        }
        if (pos_ == start) return false;
        if (!negative) {
            if (value == min) return false;
            value = -value;
        }
        out = value;
        return true;
    }

    // Like Go's scanner, "\r\n" in the input matches "\n" in the format.
    bool literal(char c) {
        if (c == '\n' && text_.substr(pos_, 2) == "\r\n") ++pos_;
        if (pos_ >= text_.size() || text_[pos_] != c) return false;
        ++pos_;
        return true;
    }

    bool at_end() const { return pos_ >= text_.size(); }

  private:
    std::string_view text_;
    size_t pos_ = 0;
};

}  // namespace

std::string format_meta(const queue_state& s) {
    return fmt::format("{}\n{},{}\n{},{}\n", s.depth, s.read_file_num, s.read_pos, s.write_file_num,
                       s.write_pos);
}

std::optional<queue_state> parse_meta(std::string_view text) {
    scanner in(text);
    queue_state s;
    if (!in.number(s.depth) || !in.literal('\n')) return std::nullopt;
    if (!in.number(s.read_file_num) || !in.literal(',') || !in.number(s.read_pos) ||
        !in.literal('\n')) {
        return std::nullopt;
    }
    if (!in.number(s.write_file_num) || !in.literal(',') || !in.number(s.write_pos)) {
        return std::nullopt;
    }
    if (!in.at_end() && !in.literal('\n')) return std::nullopt;
    return s;
}

std::string data_file_path(std::string_view dir, std::string_view name, int64_t file_num) {
    return fmt::format("{}/{}.diskqueue.{:06d}.dat", dir, name, file_num);
}

std::string meta_file_path(std::string_view dir, std::string_view name) {
    return fmt::format("{}/{}.diskqueue.meta.dat", dir, name);
}

}  // namespace nsqpp::diskqueue
