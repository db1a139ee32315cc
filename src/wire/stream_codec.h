#pragma once
// Compressed streams nsqd negotiates in IDENTIFY (spec nsqd.md §3.1 "snappy", "deflate"):
// snappy's framing format (as golang/snappy reads and writes it) and raw DEFLATE (RFC 1951,
// sync-flushed after every write). Pure codecs: bytes in, bytes out, no I/O.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace nsqpp::wire {

class stream_encoder {
  public:
    virtual ~stream_encoder() = default;
    // Appends the encoding of `in` to `out`, flushed so that the peer can decode everything
    // written so far (snappy: stream identifier once at the start, then chunks of <= 64 KiB;
    // deflate: Z_SYNC_FLUSH at the end of every call). `in` may be empty (writes nothing unless
    // the identifier is still due — then nothing either).
    virtual void encode(std::string_view in, std::string& out) = 0;
};

class stream_decoder {
  public:
    virtual ~stream_decoder() = default;
    // Adds compressed bytes received from the peer. Ignored once failed(). The bytes are kept
    // until decoded: append when read() returns 0 to keep the buffer small.
    virtual void append_input(std::string_view in) = 0;
    // Writes up to `cap` decoded bytes to `dst`; returns how many (0 = needs more input, or
    // failed()). Never produces more than `cap` (decompression bombs stay bounded): leftover
    // decoded data is kept and returned by the next calls.
    virtual size_t read(char* dst, size_t cap) = 0;
    // True after bad input (bad identifier, checksum mismatch, reserved chunk, corrupt snappy or
    // deflate data, chunk over the size limit); error() says why, e.g. "snappy: corrupt input".
    virtual bool failed() const = 0;
    virtual const std::string& error() const = 0;
};

// Snappy framing format. Error texts are golang/snappy's: "snappy: corrupt input" (bad
// identifier, checksum, snappy data, length) and "snappy: unsupported input" (reserved
// unskippable chunk type 0x02-0x7f, chunk longer than 76494 bytes).
std::unique_ptr<stream_encoder> make_snappy_encoder();
std::unique_ptr<stream_decoder> make_snappy_decoder();

// Raw DEFLATE (zlib windowBits -15). `level` is clamped to 1..9. Errors read
// "flate: corrupt input: <zlib's reason>"; input after the final block is an error too.
std::unique_ptr<stream_encoder> make_deflate_encoder(int level);  // 1..9
std::unique_ptr<stream_decoder> make_deflate_decoder();

// CRC-32C (Castagnoli). Pass a previous result as `crc` to continue it:
// crc32c(b, crc32c(a)) == crc32c(a + b).
uint32_t crc32c(std::string_view data, uint32_t crc = 0);
// The table-driven implementation crc32c() uses when the CPU lacks SSE4.2 (exposed for tests).
uint32_t crc32c_portable(std::string_view data, uint32_t crc = 0);

// The checksum the snappy framing format stores: ((c >> 15) | (c << 17)) + 0xa282ead8.
uint32_t snappy_masked_crc32c(std::string_view data);

}  // namespace nsqpp::wire
