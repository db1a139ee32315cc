// Snappy framing format (github.com/google/snappy framing_format.txt) as golang/snappy's
// Writer and Reader implement it; the block compression itself is libsnappy's.
#include <snappy.h>

#include <algorithm>
#include <cstring>

#include "wire/stream_codec.h"

namespace nsqpp::wire {
namespace {

constexpr std::string_view stream_identifier{"\xff\x06\x00\x00sNaPpY", 10};
constexpr std::string_view magic_body{"sNaPpY"};
constexpr size_t max_block_size = 65536;  // uncompressed bytes per chunk
constexpr size_t checksum_size = 4;
constexpr size_t chunk_header_size = 4;
// golang/snappy refuses longer chunks of any type: MaxEncodedLen(65536) + checksum.
constexpr size_t max_chunk_len = 76490 + checksum_size;

constexpr unsigned char chunk_compressed = 0x00;
constexpr unsigned char chunk_uncompressed = 0x01;
constexpr unsigned char chunk_stream_identifier = 0xff;

const std::string err_corrupt = "snappy: corrupt input";
const std::string err_unsupported = "snappy: unsupported input";

void put_le24(char* p, size_t v) {
    p[0] = static_cast<char>(v & 0xff);
    p[1] = static_cast<char>((v >> 8) & 0xff);
    p[2] = static_cast<char>((v >> 16) & 0xff);
}

void put_le32(char* p, uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

uint32_t get_le32(const char* p) {
    const auto* u = reinterpret_cast<const unsigned char*>(p);
    return uint32_t{u[0]} | uint32_t{u[1]} << 8 | uint32_t{u[2]} << 16 | uint32_t{u[3]} << 24;
}

class snappy_encoder final : public stream_encoder {
  public:
    void encode(std::string_view in, std::string& out) override {
        while (!in.empty()) {
            if (!wrote_identifier_) {
                out.append(stream_identifier);
                wrote_identifier_ = true;
            }
            const std::string_view block = in.substr(0, max_block_size);
            in.remove_prefix(block.size());
            append_chunk(block, out);
        }
    }

  private:
    // One chunk: compressed unless that saves less than 12.5% (golang/snappy's rule).
    static void append_chunk(std::string_view block, std::string& out) {
        const size_t start = out.size();
        const size_t prefix = chunk_header_size + checksum_size;
        out.resize(start + prefix + snappy::MaxCompressedLength(block.size()));
        size_t compressed_len = 0;
        snappy::RawCompress(block.data(), block.size(), out.data() + start + prefix,
                            &compressed_len);
        unsigned char type = chunk_compressed;
        if (compressed_len >= block.size() - block.size() / 8) {
            type = chunk_uncompressed;
            std::memcpy(out.data() + start + prefix, block.data(), block.size());
            compressed_len = block.size();
        }
        out.resize(start + prefix + compressed_len);
        out[start] = static_cast<char>(type);
        put_le24(out.data() + start + 1, checksum_size + compressed_len);
        put_le32(out.data() + start + chunk_header_size, snappy_masked_crc32c(block));
    }

    bool wrote_identifier_ = false;
};

class snappy_decoder final : public stream_decoder {
  public:
    snappy_decoder() { decoded_.resize(max_block_size); }

    void append_input(std::string_view in) override {
        if (failed()) return;
        if (in_pos_ == in_.size()) {
            in_.clear();
            in_pos_ = 0;
        } else if (in_pos_ > max_chunk_len && in_pos_ * 2 > in_.size()) {
            in_.erase(0, in_pos_);
            in_pos_ = 0;
        }
        in_.append(in);
    }

    size_t read(char* dst, size_t cap) override {
        if (cap == 0) return 0;
        while (dec_pos_ == dec_end_) {
            if (failed() || !next_chunk()) return 0;
        }
        const size_t n = std::min(cap, dec_end_ - dec_pos_);
        std::memcpy(dst, decoded_.data() + dec_pos_, n);
        dec_pos_ += n;
        return n;
    }

    bool failed() const override { return !error_.empty(); }
    const std::string& error() const override { return error_; }

  private:
    std::string_view available() const { return std::string_view(in_).substr(in_pos_); }

    bool fail(const std::string& why) {
        error_ = why;
        in_.clear();
        in_.shrink_to_fit();
        in_pos_ = 0;
        return false;
    }

    // Consumes one chunk (or part of a skippable one). False when more input is needed or the
    // input is bad; true when progress was made (decoded_ may still be empty, e.g. padding).
    bool next_chunk() {
        if (skip_remaining_ > 0) return skip();
        const std::string_view avail = available();
        if (avail.size() < chunk_header_size) return false;
        const auto type = static_cast<unsigned char>(avail[0]);
        const size_t len = static_cast<unsigned char>(avail[1]) |
                           size_t{static_cast<unsigned char>(avail[2])} << 8 |
                           size_t{static_cast<unsigned char>(avail[3])} << 16;
        if (!read_identifier_ && type != chunk_stream_identifier) return fail(err_corrupt);
        read_identifier_ = true;
        if (len > max_chunk_len) return fail(err_unsupported);
        if (type == chunk_stream_identifier && len != magic_body.size()) return fail(err_corrupt);
        if (type >= 0x02 && type <= 0x7f) return fail(err_unsupported);
        if (type >= 0x80 && type <= 0xfe) {  // padding 0xfe, reserved skippable 0x80-0xfd
            in_pos_ += chunk_header_size;
            skip_remaining_ = len;
            return skip();
        }
        if (avail.size() < chunk_header_size + len) return false;
        const std::string_view body = avail.substr(chunk_header_size, len);
        in_pos_ += chunk_header_size + len;
        switch (type) {
            case chunk_stream_identifier:
                return body == magic_body || fail(err_corrupt);
            case chunk_compressed:
                return decode_compressed(body);
            default:
                return decode_uncompressed(body);
        }
    }

    bool skip() {
        const size_t n = std::min(skip_remaining_, available().size());
        in_pos_ += n;
        skip_remaining_ -= n;
        return skip_remaining_ == 0;
    }

    bool decode_compressed(std::string_view body) {
        if (body.size() < checksum_size) return fail(err_corrupt);
        const uint32_t checksum = get_le32(body.data());
        body.remove_prefix(checksum_size);
        size_t n = 0;
        if (!snappy::GetUncompressedLength(body.data(), body.size(), &n) || n > max_block_size ||
            !snappy::RawUncompress(body.data(), body.size(), decoded_.data())) {
            return fail(err_corrupt);
        }
        return set_decoded(n, checksum);
    }

    bool decode_uncompressed(std::string_view body) {
        if (body.size() < checksum_size) return fail(err_corrupt);
        const size_t n = body.size() - checksum_size;
        if (n > max_block_size) return fail(err_corrupt);
        std::memcpy(decoded_.data(), body.data() + checksum_size, n);
        return set_decoded(n, get_le32(body.data()));
    }

    bool set_decoded(size_t n, uint32_t checksum) {
        if (snappy_masked_crc32c(std::string_view(decoded_.data(), n)) != checksum) {
            return fail(err_corrupt);
        }
        dec_pos_ = 0;
        dec_end_ = n;
        return true;
    }

    std::string in_;  // compressed input; bytes before in_pos_ are consumed
    size_t in_pos_ = 0;
    std::string decoded_;  // one decoded chunk (64 KiB), handed out from dec_pos_ to dec_end_
    size_t dec_pos_ = 0;
    size_t dec_end_ = 0;
    size_t skip_remaining_ = 0;  // bytes left of a padding/skippable chunk
    bool read_identifier_ = false;
    std::string error_;
};

}  // namespace

std::unique_ptr<stream_encoder> make_snappy_encoder() { return std::make_unique<snappy_encoder>(); }

std::unique_ptr<stream_decoder> make_snappy_decoder() { return std::make_unique<snappy_decoder>(); }

}  // namespace nsqpp::wire
