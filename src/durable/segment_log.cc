#include "durable/segment_log.h"

#include <fmt/format.h>

#include "durable/record.h"

namespace nsqpp::durable {

segment_log::segment_log(log_config cfg)
    : cfg_(std::move(cfg)), fs_(cfg_.files ? cfg_.files : posix_file_layer()) {}

segment_log::~segment_log() { stop_syncer(); }

std::unique_ptr<segment_log> segment_log::open(log_config cfg, const record_fn& on_record,
                                               recovery_report& report, std::error_code& ec) {
    std::unique_ptr<segment_log> log(new segment_log(std::move(cfg)));
    ec = log->recover(on_record, report);
    if (ec) return nullptr;
    log->chunks_.push_back(chunk{{}, log->next_lsn_, true});
    return log;
}

std::string segment_log::segment_path(uint64_t first_lsn) const {
    return fmt::format("{}/{:020}.seg", cfg_.dir, first_lsn);
}

uint64_t segment_log::append(std::string_view payload) {
    uint64_t wm = committed_.load(std::memory_order_acquire);
    std::lock_guard lock(mu_);
    if (failed_.load(std::memory_order_relaxed)) return next_lsn_++;  // never committed anyway
    if (active_bytes_ >= cfg_.segment_bytes) {
        chunks_.push_back(chunk{{}, next_lsn_, true});
        active_bytes_ = 0;
    }
    uint64_t lsn = next_lsn_++;
    auto& c = chunks_.back();
    size_t before = c.bytes.size();
    encode_record(c.bytes, lsn, wm, payload);
    active_bytes_ += c.bytes.size() - before;
    if (before == 0) has_work_.notify_one();
    return lsn;
}

uint64_t segment_log::roll() {
    std::lock_guard lock(mu_);
    if (!(chunks_.back().new_segment && chunks_.back().bytes.empty())) {
        chunks_.push_back(chunk{{}, next_lsn_, true});
    }
    active_bytes_ = 0;
    return next_lsn_;
}

uint64_t segment_log::last_lsn() const {
    std::lock_guard lock(mu_);
    return next_lsn_ - 1;
}

std::error_code segment_log::write_chunk(chunk& c, bool& dir_dirty) {
    if (c.new_segment) {
        if (active_) {  // everything in the old segment is synced before the new one counts
            if (auto ec = active_->sync()) return ec;
        }
        std::string path = segment_path(c.first_lsn);
        std::unique_ptr<append_file> f;
        if (auto ec = fs_->open_append(path, f)) return ec;
        active_ = std::move(f);
        dir_dirty = true;
        std::lock_guard lock(seg_mu_);
        segments_.push_back(segment{c.first_lsn, path, 0});
    }
    if (c.bytes.empty()) return {};
    if (!active_) return std::make_error_code(std::errc::bad_file_descriptor);
    if (auto ec = active_->append(c.bytes)) return ec;
    std::lock_guard lock(seg_mu_);
    segments_.back().bytes += c.bytes.size();
    return {};
}

std::error_code segment_log::commit() {
    std::lock_guard io(io_mu_);
    std::vector<chunk> work;
    uint64_t last;
    {
        std::lock_guard lock(mu_);
        if (failure()) return failure();
        last = next_lsn_ - 1;
        bool any = false;
        for (const auto& c : chunks_) any = any || !c.bytes.empty();
        if (!any) return {};
        work.swap(chunks_);
        // appends continue in the current segment (a pending roll stays pending)
        if (work.back().bytes.empty() && work.back().new_segment) {
            chunks_.push_back(std::move(work.back()));
            work.pop_back();
        } else {
            chunks_.push_back(chunk{{}, next_lsn_, false});
        }
    }
    bool dir_dirty = false;
    std::error_code ec;
    for (auto& c : work) {
        if ((ec = write_chunk(c, dir_dirty))) break;
    }
    if (!ec && active_) ec = active_->sync();
    if (!ec && dir_dirty) ec = fs_->sync_dir(cfg_.dir);
    if (ec) {
        fail(ec);
        return ec;
    }
    if (last > committed_.load(std::memory_order_relaxed)) {
        {
            std::lock_guard lock(wait_mu_);
            committed_.store(last, std::memory_order_release);
        }
        committed_cv_.notify_all();
        run_callbacks();
    }
    return {};
}

void segment_log::fail(std::error_code ec) {
    if (cfg_.log) cfg_.log->error("DURABLE: log {} failed - {}", cfg_.dir, ec.message());
    bool first = false;
    {
        std::lock_guard lock(wait_mu_);
        first = !failure_;
        if (!failure_) failure_ = ec;
    }
    failed_.store(true, std::memory_order_relaxed);
    if (first && cfg_.on_failure) cfg_.on_failure(ec.message());
    committed_cv_.notify_all();
    run_callbacks();
}

std::error_code segment_log::failure() const {
    std::lock_guard lock(wait_mu_);
    return failure_;
}

void segment_log::run_callbacks() {
    std::vector<std::function<void()>> due;
    {
        std::lock_guard lock(wait_mu_);
        uint64_t c = committed_.load(std::memory_order_acquire);
        auto end = failure_ ? callbacks_.end() : callbacks_.upper_bound(c);
        for (auto it = callbacks_.begin(); it != end; ++it) due.push_back(std::move(it->second));
        callbacks_.erase(callbacks_.begin(), end);
    }
    for (auto& fn : due) fn();
}

bool segment_log::wait_committed(uint64_t lsn) {
    std::unique_lock lock(wait_mu_);
    committed_cv_.wait(lock, [&] { return committed_.load() >= lsn || failure_; });
    return committed_.load() >= lsn;
}

void segment_log::on_committed(uint64_t lsn, std::function<void()> fn) {
    {
        std::lock_guard lock(wait_mu_);
        if (committed_.load(std::memory_order_acquire) < lsn && !failure_) {
            callbacks_.emplace(lsn, std::move(fn));
            return;
        }
    }
    fn();
}

void segment_log::start_syncer() {
    std::lock_guard lock(mu_);
    if (syncer_.joinable()) return;
    stop_ = false;
    syncer_ = std::thread([this] { syncer_loop(); });
}

void segment_log::stop_syncer() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    has_work_.notify_all();
    if (syncer_.joinable()) syncer_.join();
    (void)commit();
}

void segment_log::syncer_loop() {
    for (;;) {
        {
            std::unique_lock lock(mu_);
            has_work_.wait(lock, [&] {
                for (const auto& c : chunks_) {
                    if (!c.bytes.empty()) return true;
                }
                return stop_;
            });
            if (stop_) return;
        }
        if (commit()) {
            // failed for good: park until stopped (appends are no longer acknowledged)
            std::unique_lock lock(mu_);
            has_work_.wait(lock, [&] { return stop_; });
            return;
        }
    }
}

void segment_log::reclaim_before(uint64_t lsn) {
    std::vector<std::string> doomed;
    {
        std::lock_guard lock(seg_mu_);
        size_t n = 0;
        while (n + 1 < segments_.size() && segments_[n + 1].first_lsn <= lsn) ++n;
        for (size_t i = 0; i < n; ++i) doomed.push_back(segments_[i].path);
        segments_.erase(segments_.begin(), segments_.begin() + static_cast<ptrdiff_t>(n));
    }
    if (doomed.empty()) return;
    for (const auto& p : doomed) (void)fs_->remove(p);
    (void)fs_->sync_dir(cfg_.dir);
}

size_t segment_log::segment_count() const {
    std::lock_guard lock(seg_mu_);
    return segments_.size();
}

uint64_t segment_log::disk_bytes() const {
    std::lock_guard lock(seg_mu_);
    uint64_t n = 0;
    for (const auto& s : segments_) n += s.bytes;
    return n;
}

}  // namespace nsqpp::durable
