// Raw DEFLATE streams (RFC 1951, zlib windowBits -15) as nsqd uses them: the writer
// sync-flushes after every write batch, the reader inflates straight into the caller's buffer.
#include <zlib.h>

#include <algorithm>
#include <new>

#include "wire/stream_codec.h"

namespace nsqpp::wire {
namespace {

constexpr int raw_window_bits = -15;
constexpr size_t max_zlib_chunk = 1u << 30;  // zlib counts in uInt

// zlib allocates through operator new, like the rest of the program (allocator, counters).
voidpf z_alloc(voidpf, uInt items, uInt size) {
    return ::operator new (size_t{items} * size, std::nothrow);
}
void z_free(voidpf, voidpf p) { ::operator delete(p); }

z_stream make_z_stream() {
    z_stream z{};
    z.zalloc = z_alloc;
    z.zfree = z_free;
    return z;
}

unsigned char* zin(const char* p) { return reinterpret_cast<unsigned char*>(const_cast<char*>(p)); }

class deflate_encoder final : public stream_encoder {
  public:
    explicit deflate_encoder(int level) {
        level = std::clamp(level, 1, 9);
        if (deflateInit2(&strm_, level, Z_DEFLATED, raw_window_bits, 8, Z_DEFAULT_STRATEGY) !=
            Z_OK) {
            throw std::bad_alloc();
        }
    }
    ~deflate_encoder() override { deflateEnd(&strm_); }
    deflate_encoder(const deflate_encoder&) = delete;
    deflate_encoder& operator=(const deflate_encoder&) = delete;

    void encode(std::string_view in, std::string& out) override {
        while (!in.empty()) {
            const std::string_view piece = in.substr(0, max_zlib_chunk);
            in.remove_prefix(piece.size());
            run(piece, in.empty() ? Z_SYNC_FLUSH : Z_NO_FLUSH, out);
        }
    }

  private:
    // Deflates `piece` into `out`; with Z_SYNC_FLUSH until all output is out (byte-aligned,
    // ending in the empty stored block 00 00 ff ff).
    void run(std::string_view piece, int flush, std::string& out) {
        strm_.next_in = zin(piece.data());
        strm_.avail_in = static_cast<uInt>(piece.size());
        size_t room = deflateBound(&strm_, piece.size()) + 16;
        for (;;) {
            const size_t start = out.size();
            const uInt in_before = strm_.avail_in;
            out.resize(start + room);
            strm_.next_out = reinterpret_cast<unsigned char*>(out.data() + start);
            strm_.avail_out = static_cast<uInt>(room);
            deflate(&strm_, flush);  // Z_OK, or Z_BUF_ERROR when nothing was left to do
            const size_t produced = room - strm_.avail_out;
            out.resize(start + produced);
            if (strm_.avail_out != 0 && strm_.avail_in == 0) return;
            if (produced == 0 && strm_.avail_in == in_before) return;  // no progress: give up
        }
    }

    z_stream strm_ = make_z_stream();
};

class deflate_decoder final : public stream_decoder {
  public:
    deflate_decoder() {
        if (inflateInit2(&strm_, raw_window_bits) != Z_OK) throw std::bad_alloc();
    }
    ~deflate_decoder() override { inflateEnd(&strm_); }
    deflate_decoder(const deflate_decoder&) = delete;
    deflate_decoder& operator=(const deflate_decoder&) = delete;

    void append_input(std::string_view in) override {
        if (failed() || in.empty()) return;
        if (ended_) {
            fail("flate: data after end of stream");
            return;
        }
        if (in_pos_ == in_.size()) {
            in_.clear();
            in_pos_ = 0;
        } else if (in_pos_ > 65536 && in_pos_ * 2 > in_.size()) {
            in_.erase(0, in_pos_);
            in_pos_ = 0;
        }
        in_.append(in);
    }

    size_t read(char* dst, size_t cap) override {
        size_t produced = 0;
        while (produced == 0 && cap > 0 && !failed()) {
            if (ended_) {
                if (in_pos_ != in_.size()) fail("flate: data after end of stream");
                break;
            }
            const size_t in_len = std::min(in_.size() - in_pos_, max_zlib_chunk);
            const size_t out_len = std::min(cap, max_zlib_chunk);
            strm_.next_in = zin(in_.data() + in_pos_);
            strm_.avail_in = static_cast<uInt>(in_len);
            strm_.next_out = reinterpret_cast<unsigned char*>(dst);
            strm_.avail_out = static_cast<uInt>(out_len);
            const int rc = inflate(&strm_, Z_SYNC_FLUSH);
            const size_t used = in_len - strm_.avail_in;
            produced = out_len - strm_.avail_out;
            in_pos_ += used;
            if (rc == Z_STREAM_END) {
                ended_ = true;  // all its output is in dst; trailing input fails the next call
            } else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
                fail(std::string("flate: corrupt input: ") + (strm_.msg ? strm_.msg : "bad data"));
                return 0;
            } else if (rc == Z_MEM_ERROR) {
                fail("flate: out of memory");
                return 0;
            } else if (used == 0 && produced == 0) {
                break;  // Z_BUF_ERROR: needs more input
            }
        }
        return produced;
    }

    bool failed() const override { return !error_.empty(); }
    const std::string& error() const override { return error_; }

  private:
    void fail(std::string why) {
        error_ = std::move(why);
        in_.clear();
        in_.shrink_to_fit();
        in_pos_ = 0;
    }

    z_stream strm_ = make_z_stream();
    std::string in_;  // compressed input; bytes before in_pos_ are consumed
    size_t in_pos_ = 0;
    bool ended_ = false;  // the final block was decoded
    std::string error_;
};

}  // namespace

std::unique_ptr<stream_encoder> make_deflate_encoder(int level) {
    return std::make_unique<deflate_encoder>(level);
}

std::unique_ptr<stream_decoder> make_deflate_decoder() {
    return std::make_unique<deflate_decoder>();
}

}  // namespace nsqpp::wire
