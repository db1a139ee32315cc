#include "tools/file_logger.h"

#include <unistd.h>

#include <chrono>

#include "tools/file_name.h"

namespace nsqpp::tools {
namespace {

std::string host_name() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
    return buf;
}

}  // namespace

file_logger::file_logger(const nsq_to_file_options& opts, std::string topic,
                         const client::config& cfg, std::shared_ptr<spdlog::logger> log)
    : opts_(opts), topic_(std::move(topic)), log_(std::move(log)) {
    tag_ = "[" + topic_ + "/" + opts_.channel + "]";
    file_name_settings names;
    names.filename_format = opts_.filename_format;
    names.host_identifier = opts_.host_identifier;
    names.gzip = opts_.gzip;
    names.rotation_or_work_dir = opts_.rotate_size > 0 || opts_.rotate_interval.count() > 0 ||
                                 opts_.work_dir != opts_.output_dir;
    std::string format = compute_filename_format(names, topic_, host_name(), ::getpid());
    rotating_file_options fo;
    fo.output_dir = opts_.output_dir;
    fo.work_dir = opts_.work_dir;
    fo.datetime_format = opts_.datetime_format;
    fo.gzip = opts_.gzip;
    fo.gzip_level = static_cast<int>(opts_.gzip_level);
    fo.rotate_size = opts_.rotate_size;
    fo.rotate_interval = opts_.rotate_interval;
    file_ = std::make_unique<rotating_file>(fo, format, log_, tag_);

    try {
        consumer_ = std::make_unique<client::consumer>(topic_, opts_.channel, cfg);
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(e.what());
    }
    consumer_->add_handler([this](client::message& m) {
        m.disable_auto_response();
        std::lock_guard lock(mutex_);
        events_.messages.push_back(m.shared_from_this());
        cv_.notify_one();
        return client::error{};
    });
    consumer_->on_stopped([this] {
        std::lock_guard lock(mutex_);
        events_.stopped = true;
        cv_.notify_one();
    });
    client::error err = opts_.nsqd_tcp_addresses.empty()
                            ? consumer_->connect_to_nsqlookupds(opts_.lookupd_http_addresses)
                            : consumer_->connect_to_nsqds(opts_.nsqd_tcp_addresses);
    if (err) throw std::runtime_error(err.message());
}

file_logger::~file_logger() {
    if (consumer_) {
        consumer_->stop();
        consumer_->wait();
    }
}

void file_logger::terminate() {
    std::lock_guard lock(mutex_);
    events_.term = true;
    cv_.notify_one();
}

void file_logger::hup() {
    std::lock_guard lock(mutex_);
    events_.hup = true;
    cv_.notify_one();
}

void file_logger::run() {
    try {
        loop();
    } catch (const std::exception& e) {
        log_->critical("{} {}", tag_, e.what());
        log_->flush();
        ::_exit(1);
    }
}

void file_logger::sync_pending(std::vector<client::message_ptr>& pending) {
    if (pending.empty()) return;
    log_->info("{} syncing {} records to disk", tag_, pending.size());
    file_->sync();
    for (auto& m : pending) m->finish();
    pending.clear();
}

file_logger::event file_logger::next_event(bool ticking,
                                           std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    auto ready = [&] {
        return events_.stopped || events_.term || events_.hup || !events_.messages.empty();
    };
    if (ticking) {
        if (!cv_.wait_until(lock, deadline, ready)) return {event::tick, nullptr};
    } else {
        cv_.wait(lock, ready);
    }
    if (events_.stopped && events_.messages.empty()) return {event::stopped, nullptr};
    if (events_.term) {
        events_.term = false;
        return {event::term, nullptr};
    }
    if (events_.hup) {
        events_.hup = false;
        return {event::hup, nullptr};
    }
    client::message_ptr msg = std::move(events_.messages.front());
    events_.messages.pop_front();
    return {event::message, std::move(msg)};
}

// Go's FileLogger.router: one event at a time, then sync (+FIN) and close as decided.
void file_logger::loop() {
    using clock = std::chrono::steady_clock;
    auto interval = std::chrono::duration_cast<clock::duration>(opts_.sync_interval);
    auto next_tick = clock::now() + interval;
    bool terminating = false;
    std::vector<client::message_ptr> pending;
    auto batch = static_cast<size_t>(std::max<int64_t>(opts_.max_in_flight, 1));
    for (;;) {
        bool sync = false, close_file = false;
        event ev = next_event(!terminating, next_tick);
        switch (ev.kind) {
            case event::tick:
                next_tick += interval;
                if (file_->needs_rotation()) {
                    if (opts_.skip_empty_files) {
                        close_file = true;
                    } else {
                        file_->update_file();
                    }
                }
                sync = true;
                break;
            case event::stopped:
                sync_pending(pending);
                file_->close();
                return;
            case event::term:
                terminating = sync = true;
                consumer_->stop();  // outside the lock: it may call on_stopped at once
                break;
            case event::hup:
                sync = close_file = true;
                break;
            case event::message:
                if (file_->needs_rotation()) {
                    file_->update_file();  // closing the old file synced it
                    sync = true;
                }
                file_->write(ev.msg->body());
                file_->write("\n");
                pending.push_back(std::move(ev.msg));
                // While stopping, answer every message at once so the consumer can close.
                if (pending.size() >= batch || terminating) sync = true;
                break;
        }
        if (sync || consumer_->is_starved()) sync_pending(pending);
        if (close_file) file_->close();
    }
}

}  // namespace nsqpp::tools
