#include "broker/guid.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>

namespace nsqpp::broker {
namespace {
constexpr int64_t twepoch = 1288834974288LL;
constexpr int sequence_bits = 12;
constexpr int node_id_bits = 10;
constexpr int64_t sequence_mask = (1 << sequence_bits) - 1;
}  // namespace

std::optional<uint64_t> guid_factory::next(int64_t unix_ns) {
    int64_t tick = unix_ns >> 20;
    if (tick < last_tick_) return std::nullopt;
    if (tick == last_tick_) {
        sequence_ = (sequence_ + 1) & sequence_mask;
        if (sequence_ == 0) return std::nullopt;
    } else {
        sequence_ = 0;
    }
    last_tick_ = tick;
    uint64_t id = (static_cast<uint64_t>(tick - twepoch) << (node_id_bits + sequence_bits)) |
                  (static_cast<uint64_t>(node_id_) << sequence_bits) |
                  static_cast<uint64_t>(sequence_);
    if (id <= last_id_) return std::nullopt;
    last_id_ = id;
    return id;
}

uint64_t guid_factory::next_unblocking(int64_t unix_ns) {
    int64_t tick = std::max(unix_ns >> 20, last_tick_);
    if (tick == last_tick_) {
        sequence_ = (sequence_ + 1) & sequence_mask;
        if (sequence_ == 0) ++tick;  // borrow the next tick
    } else {
        sequence_ = 0;
    }
    last_tick_ = tick;
    last_id_ = (static_cast<uint64_t>(tick - twepoch) << (node_id_bits + sequence_bits)) |
               (static_cast<uint64_t>(node_id_) << sequence_bits) |
               static_cast<uint64_t>(sequence_);
    return last_id_;
}

int64_t default_node_id(const std::string& hostname) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(hostname.data(), hostname.size(), digest, &len, EVP_md5(), nullptr);
    uLong crc = crc32(0L, digest, len);
    return static_cast<int64_t>(crc % 1024);
}

}  // namespace nsqpp::broker
