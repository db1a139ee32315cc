#pragma once
// The journal's record payloads (little-endian; str = u16 length + bytes):
//   1 publish   str topic, i64 due_ns, u32 n, n x {u64 id, i64 ts, u32 len, body}
//   2 deliver   str topic, str channel, u32 n, n x {u64 id, u16 attempts}
//   3 finish    str topic, str channel, u64 id
//   4 requeue   str topic, str channel, u64 id, u16 attempts, i64 due_ns
//   5 event     u8 journal_event, str topic, str channel
//   6 snapshot  str topic, u8 has_channel, str channel, u8 reset, u32 n,
//               n x {u64 id, i64 ts, u16 attempts, i64 due_ns, u32 len, body}
//   7 checkpoint_begin;  8 checkpoint_end u64 begin_lsn
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace nsqpp::durable {

enum class record_type : uint8_t {
    publish = 1,
    deliver,
    finish,
    requeue,
    event,
    snapshot,
    checkpoint_begin,
    checkpoint_end,
};

class payload_writer {
  public:
    explicit payload_writer(std::string& out) : out_(out) { out_.clear(); }
    payload_writer& u8(uint8_t v) { return raw(&v, 1); }
    payload_writer& u16(uint16_t v) { return le(v, 2); }
    payload_writer& u32(uint32_t v) { return le(v, 4); }
    payload_writer& u64(uint64_t v) { return le(v, 8); }
    payload_writer& i64(int64_t v) { return le(static_cast<uint64_t>(v), 8); }
    payload_writer& str(std::string_view s) {
        u16(static_cast<uint16_t>(s.size()));
        return raw(s.data(), s.size());
    }
    payload_writer& bytes(std::string_view s) {
        u32(static_cast<uint32_t>(s.size()));
        return raw(s.data(), s.size());
    }

  private:
    payload_writer& le(uint64_t v, int n) {
        char b[8];
        for (int i = 0; i < n; ++i) b[i] = static_cast<char>(v >> (8 * i));
        return raw(b, static_cast<size_t>(n));
    }
    payload_writer& raw(const void* p, size_t n) {
        out_.append(static_cast<const char*>(p), n);
        return *this;
    }
    std::string& out_;
};

// Reads fields; any read past the end sets failed() (and returns zeros).
class payload_reader {
  public:
    explicit payload_reader(std::string_view in) : in_(in) {}
    bool failed() const { return failed_; }
    bool done() const { return in_.empty(); }
    uint8_t u8() { return static_cast<uint8_t>(le(1)); }
    uint16_t u16() { return static_cast<uint16_t>(le(2)); }
    uint32_t u32() { return static_cast<uint32_t>(le(4)); }
    uint64_t u64() { return le(8); }
    int64_t i64() { return static_cast<int64_t>(le(8)); }
    std::string_view str() { return take(u16()); }
    std::string_view bytes() { return take(u32()); }

  private:
    uint64_t le(size_t n) {
        auto b = take(n);
        uint64_t v = 0;
        for (size_t i = b.size(); i-- > 0;) v = (v << 8) | static_cast<unsigned char>(b[i]);
        return v;
    }
    std::string_view take(size_t n) {
        if (failed_ || in_.size() < n) {
            failed_ = true;
            return {};
        }
        auto out = in_.substr(0, n);
        in_.remove_prefix(n);
        return out;
    }
    std::string_view in_;
    bool failed_ = false;
};

}  // namespace nsqpp::durable
