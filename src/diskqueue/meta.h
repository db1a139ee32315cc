#pragma once
// The meta file of a go-diskqueue 1.1.0 queue: "<depth>\n<readFileNum>,<readPos>\n
// <writeFileNum>,<writePos>\n" (spec nsqd.md §5.3), and the queue's file names (§5.1).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nsqpp::diskqueue {

// Everything the meta file persists. Positions are byte offsets within the numbered files.
struct queue_state {
    int64_t depth = 0;
    int64_t read_file_num = 0;
    int64_t read_pos = 0;
    int64_t write_file_num = 0;
    int64_t write_pos = 0;

    bool operator==(const queue_state&) const = default;
};

// "10\n0,32\n0,361\n" — exactly what Go's fmt.Fprintf("%d\n%d,%d\n%d,%d\n") writes.
std::string format_meta(const queue_state& state);

// Parses what Go's fmt.Fscanf("%d\n%d,%d\n%d,%d\n") accepts: decimal integers with an optional
// sign, optional blanks before a number, the separators exactly ("\r\n" counts as "\n"); anything
// after the third line is ignored and the last newline may be missing. nullopt when malformed or
// out of int64 range. Negative values parse (Go accepts them); the caller decides whether they are
// usable.
std::optional<queue_state> parse_meta(std::string_view text);

// "<dir>/<name>.diskqueue.<NNNNNN>.dat" (at least 6 digits) and "<dir>/<name>.diskqueue.meta.dat".
std::string data_file_path(std::string_view dir, std::string_view name, int64_t file_num);
std::string meta_file_path(std::string_view dir, std::string_view name);

}  // namespace nsqpp::diskqueue
