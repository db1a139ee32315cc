#include "durable/record.h"

#include <cstring>

#include "wire/stream_codec.h"

namespace nsqpp::durable {
namespace {
void put_u32(char* p, uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (8 * i));
}
void put_u64(char* p, uint64_t v) {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(v >> (8 * i));
}
uint32_t get_u32(const char* p) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
}
uint64_t get_u64(const char* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
}

uint32_t record_crc(const char* header, std::string_view payload) {
    uint32_t crc = wire::crc32c(std::string_view(header + 4, 4));
    crc = wire::crc32c(std::string_view(header + 12, 16), crc);
    return wire::crc32c(payload, crc);
}

// The record at `at`, or nullopt-like false when the bytes there are not a valid record.
bool parse_at(std::string_view data, size_t at, record_view& out) {
    if (data.size() - at < record_header_size) return false;
    const char* h = data.data() + at;
    if (get_u32(h) != record_magic) return false;
    uint32_t len = get_u32(h + 4);
    if (len > max_record_payload || data.size() - at - record_header_size < len) return false;
    std::string_view payload(h + record_header_size, len);
    if (record_crc(h, payload) != get_u32(h + 8)) return false;
    out.lsn = get_u64(h + 12);
    out.watermark = get_u64(h + 20);
    out.begin = at;
    out.end = at + record_header_size + len;
    out.payload = payload;
    return true;
}
}  // namespace

void encode_record(std::string& out, uint64_t lsn, uint64_t watermark, std::string_view payload) {
    size_t at = out.size();
    out.resize(at + record_header_size + payload.size());
    char* h = out.data() + at;
    put_u32(h, record_magic);
    put_u32(h + 4, static_cast<uint32_t>(payload.size()));
    put_u64(h + 12, lsn);
    put_u64(h + 20, watermark);
    if (!payload.empty()) std::memcpy(h + record_header_size, payload.data(), payload.size());
    put_u32(h + 8, record_crc(h, payload));
}

segment_scan scan_segment(std::string_view data) {
    segment_scan s;
    size_t at = 0;
    while (at < data.size()) {
        record_view r;
        if (parse_at(data, at, r)) {
            s.records.push_back(r);
            at = r.end;
            continue;
        }
        // damaged: look for the next valid record
        size_t from = at;
        size_t next = data.size();
        for (size_t p = at + 1; p + record_header_size <= data.size(); ++p) {
            if (static_cast<unsigned char>(data[p]) != (record_magic & 0xff)) continue;
            if (parse_at(data, p, r)) {
                next = p;
                break;
            }
        }
        s.garbage.push_back({from, next});
        at = next;
    }
    return s;
}

}  // namespace nsqpp::durable
