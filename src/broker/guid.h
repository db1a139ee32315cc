#pragma once
// Message IDs as nsqd generates them (spec §2.9): time | node id | sequence, strictly increasing.
#include <cstdint>
#include <optional>
#include <string>

namespace nsqpp::broker {

class guid_factory {
  public:
    explicit guid_factory(int64_t node_id) : node_id_(node_id) {}
    // The next ID for wall-clock time `unix_ns`, or nullopt when the sequence is exhausted
    // within the same ~1 ms tick or time went backwards (the caller waits and retries).
    std::optional<uint64_t> next(int64_t unix_ns);
    // Never fails or blocks: when the 4096 IDs of the current ~1 ms tick are used up (or the
    // clock went backwards) it continues in the following tick, so IDs stay unique and
    // strictly increasing. nsqd instead sleeps 1 ms; the time encoded in an ID may therefore
    // run up to a few ms ahead under bursts above ~3.9M IDs/s per topic.
    uint64_t next_unblocking(int64_t unix_ns);

  private:
    int64_t node_id_;
    int64_t last_tick_ = -1;
    int64_t sequence_ = 0;
    uint64_t last_id_ = 0;
};

// NSQ's default node id: CRC-32 (IEEE) of the MD5 digest of the hostname, modulo 1024.
int64_t default_node_id(const std::string& hostname);

}  // namespace nsqpp::broker
