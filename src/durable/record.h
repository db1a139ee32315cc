#pragma once
// The segment log's record framing (little-endian):
//   magic u32 "NSQL" | payload length u32 | crc u32 | lsn u64 | watermark u64 | payload
// crc is CRC-32C over length, lsn, watermark and payload. `watermark` is the log's durable
// committed LSN when the record was appended: recovery uses it to tell a torn (never synced)
// tail from damage to synced data.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nsqpp::durable {

inline constexpr uint32_t record_magic = 0x4c51534e;  // "NSQL"
inline constexpr size_t record_header_size = 28;
inline constexpr uint32_t max_record_payload = 256u << 20;

void encode_record(std::string& out, uint64_t lsn, uint64_t watermark, std::string_view payload);

struct record_view {
    uint64_t lsn = 0;
    uint64_t watermark = 0;
    size_t begin = 0;  // offset of the header
    size_t end = 0;    // offset after the payload
    std::string_view payload;
};

// What one segment's bytes hold: its valid records and the damaged ranges between them.
struct segment_scan {
    std::vector<record_view> records;
    struct gap {
        size_t begin;
        size_t end;
    };
    std::vector<gap> garbage;  // byte ranges that hold no valid record
};

// Finds every valid record in `data`: after damage, resynchronises on the next magic whose
// record checks out.
segment_scan scan_segment(std::string_view data);

}  // namespace nsqpp::durable
