#include "durable/journal.h"

#include <stdexcept>

#include "durable/payload.h"

namespace nsqpp::durable {
namespace {
constexpr size_t snapshot_record_bytes = 1 << 20;
constexpr auto checkpoint_poll = std::chrono::seconds(1);

// Encoding scratch: calls come from many threads, each under some topic or channel lock.
std::string& scratch() {
    thread_local std::string s;
    return s;
}

uint8_t type(record_type t) { return static_cast<uint8_t>(t); }
}  // namespace

std::shared_ptr<log_journal> log_journal::open(journal_config cfg, replayer& state) {
    std::shared_ptr<log_journal> j(new log_journal(std::move(cfg)));
    std::error_code ec;
    j->log_ = segment_log::open(
        log_config{j->cfg_.dir, j->cfg_.files, j->cfg_.segment_bytes, j->cfg_.log,
                   j->cfg_.on_failure},
        [&](uint64_t, std::string_view payload) { state.apply(payload); }, j->report_, ec);
    if (ec) throw std::runtime_error("durable log " + j->cfg_.dir + ": " + ec.message());
    j->bad_records_ = state.bad_records();
    j->recovered_messages_ = state.message_count();
    if (j->cfg_.log) {
        j->cfg_.log->info(
            "DURABLE: {} records replayed from {} ({} messages pending, {} corrupt regions, "
            "{} lost records, {} undecodable)",
            j->report_.records, j->cfg_.dir, j->recovered_messages_, j->report_.corruptions,
            j->report_.lost_records, j->bad_records_);
    }
    return j;
}

log_journal::~log_journal() { stop(); }

uint64_t log_journal::publish(const std::string& topic, std::span<const broker::message_ptr> msgs,
                              int64_t due_ns) {
    auto& s = scratch();
    payload_writer w(s);
    w.u8(type(record_type::publish)).str(topic).i64(due_ns).u32(static_cast<uint32_t>(msgs.size()));
    for (const auto& m : msgs) w.u64(m->id()).i64(m->timestamp()).bytes(m->body());
    return append(s);
}

void log_journal::deliver(const std::string& topic, const std::string& channel,
                          std::span<const broker::delivery> ds) {
    auto& s = scratch();
    payload_writer w(s);
    w.u8(type(record_type::deliver)).str(topic).str(channel).u32(static_cast<uint32_t>(ds.size()));
    for (const auto& d : ds) w.u64(d.msg->id()).u16(d.attempts);
    append(s);
}

void log_journal::finish(const std::string& topic, const std::string& channel,
                         broker::message_id id) {
    auto& s = scratch();
    payload_writer(s).u8(type(record_type::finish)).str(topic).str(channel).u64(id);
    append(s);
}

void log_journal::requeue(const std::string& topic, const std::string& channel,
                          broker::message_id id, uint16_t attempts, int64_t due_ns) {
    auto& s = scratch();
    payload_writer(s)
        .u8(type(record_type::requeue))
        .str(topic)
        .str(channel)
        .u64(id)
        .u16(attempts)
        .i64(due_ns);
    append(s);
}

void log_journal::record(broker::journal_event e, const std::string& topic,
                         const std::string& channel) {
    auto& s = scratch();
    payload_writer(s)
        .u8(type(record_type::event))
        .u8(static_cast<uint8_t>(e))
        .str(topic)
        .str(channel);
    append(s);
}

void log_journal::snapshot(const std::string& topic, const std::string* channel,
                           std::span<const broker::journal_entry> entries) {
    size_t at = 0;
    bool first = true;
    std::string s;
    while (first || at < entries.size()) {
        size_t end = at, bytes = 0;
        while (end < entries.size() && bytes < snapshot_record_bytes) {
            bytes += 40 + entries[end].msg->body_size();
            ++end;
        }
        payload_writer w(s);
        w.u8(type(record_type::snapshot))
            .str(topic)
            .u8(channel ? 1 : 0)
            .str(channel ? *channel : std::string())
            .u8(first ? 1 : 0)
            .u32(static_cast<uint32_t>(end - at));
        for (size_t i = at; i < end; ++i) {
            const auto& e = entries[i];
            w.u64(e.msg->id())
                .i64(e.msg->timestamp())
                .u16(e.attempts)
                .i64(e.due_ns)
                .bytes(e.msg->body());
        }
        append(s);
        first = false;
        at = end;
    }
}

bool log_journal::checkpoint(broker::registry& topics) {
    uint64_t begin = log_->roll();
    std::string s;
    payload_writer(s).u8(type(record_type::checkpoint_begin));
    append(s);
    for (const auto& t : topics.topics()) t->snapshot_to_journal();
    payload_writer(s).u8(type(record_type::checkpoint_end)).u64(begin);
    uint64_t end = append(s);
    if (!log_->wait_committed(end)) return false;
    log_->reclaim_before(begin);
    checkpoints_.fetch_add(1, std::memory_order_relaxed);
    return true;
}

void log_journal::start(broker::registry& topics) {
    log_->start_syncer();
    std::lock_guard lock(mu_);
    if (checkpointer_.joinable()) return;
    stopping_ = false;
    checkpointer_ = std::thread([this, &topics] { checkpoint_loop(&topics); });
}

void log_journal::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (checkpointer_.joinable()) checkpointer_.join();
    if (log_) log_->stop_syncer();
}

void log_journal::checkpoint_loop(broker::registry* topics) {
    std::unique_lock lock(mu_);
    while (!stopping_) {
        cv_.wait_for(lock, checkpoint_poll, [&] { return stopping_; });
        if (stopping_) break;
        if (log_->segment_count() <= cfg_.checkpoint_segments || log_->failure()) continue;
        lock.unlock();
        checkpoint(*topics);
        lock.lock();
    }
}

broker::journal::counters_t log_journal::counters() const {
    auto s = stats();
    return {s.corruptions, s.lost_records, s.committed, s.segments,
            s.disk_bytes,  s.checkpoints,  failed()};
}

journal_stats log_journal::stats() const {
    journal_stats s;
    s.corruptions = report_.corruptions;
    s.lost_records = report_.lost_records;
    s.bad_records = bad_records_;
    s.torn_bytes = report_.torn_bytes;
    s.recovered_messages = recovered_messages_;
    s.committed = log_->committed();
    s.segments = log_->segment_count();
    s.disk_bytes = log_->disk_bytes();
    s.checkpoints = checkpoints_.load(std::memory_order_relaxed);
    return s;
}

}  // namespace nsqpp::durable
