#include "broker/disk_backend.h"

#include <fcntl.h>
#include <unistd.h>

#include <sstream>

#include "diskqueue/file_io.h"
#include "wire/frame.h"
#include "wire/message_id.h"

namespace nsqpp::broker {
namespace {

size_t encode_record_into(const queued_message& m, char* out);

class disk_backend final : public backend {
  public:
    disk_backend(const disk_backend_config& cfg, diskqueue::config dq)
        : cfg_(cfg), name_(dq.name), queue_(std::move(dq), cfg.log) {}

    std::error_code put(const queued_message& m) override {
        auto ec = queue_.put(encode_record(m));
        if (cfg_.on_write_result) cfg_.on_write_result(ec ? ec.message() : std::string());
        return ec;
    }

    std::error_code put_batch(std::span<const queued_message> ms) override {
        size_t total = 0;
        for (const auto& m : ms) total += wire::message_header_size + m.msg->body_size();
        buffer_.resize(total);
        views_.clear();
        size_t at = 0;
        for (const auto& m : ms) {
            size_t n = encode_record_into(m, buffer_.data() + at);
            views_.emplace_back(buffer_.data() + at, n);
            at += n;
        }
        auto ec = queue_.put_batch(views_);
        if (cfg_.on_write_result) cfg_.on_write_result(ec ? ec.message() : std::string());
        return ec;
    }

    std::optional<queued_message> read() override {
        for (;;) {
            auto record = queue_.read_next();
            if (!record) return std::nullopt;
            if (auto m = decode_record(*record)) return m;
            cfg_.log->error("DISKQUEUE: skipping undecodable record of {} bytes", record->size());
        }
    }

    int64_t depth() const override { return queue_.depth(); }
    bool has_data() const override { return queue_.has_unread_records(); }
    void maybe_sync(steady_time now) override { queue_.maybe_sync(now); }
    void empty() override {
        queue_.empty();
        ::unlink(due_path().c_str());
    }
    void remove() override {
        queue_.delete_all();
        ::unlink(due_path().c_str());
    }

    // "<data-path>/<name>.nsqpp-deferred.dat": one "<id> <due unix ns>" line per message.
    void save_due_times(const due_times& dues) override {
        if (dues.empty()) return;
        std::string text;
        for (const auto& [id, due] : dues) text += fmt::format("{} {}\n", id, due);
        diskqueue::unique_fd dir(
            ::open(cfg_.data_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        auto ec = dir ? diskqueue::write_file_atomic(dir.get(), due_path(), text)
                      : diskqueue::last_error();
        if (ec) {
            cfg_.log->error("failed to save deferred due times {} - {}", due_path(), ec.message());
        }
    }
    due_times take_due_times() override {
        due_times out;
        std::string text;
        if (diskqueue::read_whole_file(due_path(), text)) return out;
        std::istringstream in(text);
        message_id id = 0;
        int64_t due = 0;
        while (in >> id >> due) out.emplace_back(id, due);
        ::unlink(due_path().c_str());
        return out;
    }
    void close() override { queue_.close(); }

  private:
    std::string due_path() const { return cfg_.data_path + "/" + name_ + ".nsqpp-deferred.dat"; }

    disk_backend_config cfg_;
    std::string name_;
    diskqueue::disk_queue queue_;
    std::string buffer_;  // put_batch encoding (callers hold the topic/channel lock)
    std::vector<std::string_view> views_;
};

}  // namespace

namespace {
size_t encode_record_into(const queued_message& m, char* out) {
    auto id = wire::format_message_id(m.msg->id());
    wire::encode_message_header(out, m.msg->timestamp(), m.attempts, id.data());
    std::memcpy(out + wire::message_header_size, m.msg->body().data(), m.msg->body_size());
    return wire::message_header_size + m.msg->body_size();
}
}  // namespace

std::string encode_record(const queued_message& m) {
    std::string out(wire::message_header_size + m.msg->body_size(), '\0');
    encode_record_into(m, out.data());
    return out;
}

std::optional<queued_message> decode_record(std::string_view record) {
    auto d = wire::decode_message(record);
    if (!d) return std::nullopt;
    auto id = wire::parse_message_id(d->id);
    if (!id) return std::nullopt;
    auto msg = message::create(d->body, d->timestamp);
    msg->assign(*id, d->timestamp);
    return queued_message{std::move(msg), d->attempts};
}

std::unique_ptr<backend> make_disk_backend(const disk_backend_config& cfg,
                                           const std::string& queue_name) {
    diskqueue::config dq;
    dq.name = queue_name;
    dq.data_path = cfg.data_path;
    dq.max_bytes_per_file = cfg.max_bytes_per_file;
    dq.min_msg_size = static_cast<int32_t>(wire::message_header_size);
    dq.max_msg_size = static_cast<int32_t>(cfg.max_msg_size + wire::message_header_size);
    dq.sync_every = cfg.sync_every;
    dq.sync_timeout = cfg.sync_timeout;
    return std::make_unique<disk_backend>(cfg, std::move(dq));
}

}  // namespace nsqpp::broker
