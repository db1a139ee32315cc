// segment_log::recover: replays the segments, cutting a torn tail and reporting corruption.
#include <algorithm>

#include "durable/record.h"
#include "durable/segment_log.h"

namespace nsqpp::durable {
namespace {

bool parse_segment_name(const std::string& name, uint64_t& first_lsn) {
    if (name.size() != 24 || name.compare(20, 4, ".seg") != 0) return false;
    first_lsn = 0;
    for (size_t i = 0; i < 20; ++i) {
        if (name[i] < '0' || name[i] > '9') return false;
        first_lsn = first_lsn * 10 + static_cast<uint64_t>(name[i] - '0');
    }
    return first_lsn > 0;
}

struct seg_info {
    uint64_t first_lsn;
    std::string path;
    std::vector<record_view> records;  // payload views are not kept (pass 1)
    std::vector<segment_scan::gap> garbage;
    uint64_t size = 0;
};

}  // namespace

std::error_code segment_log::recover(const record_fn& on_record, recovery_report& report) {
    if (auto ec = fs_->make_dir(cfg_.dir)) return ec;
    std::vector<std::string> names;
    if (auto ec = fs_->list(cfg_.dir, names)) return ec;
    std::vector<seg_info> segs;
    for (const auto& n : names) {
        uint64_t first = 0;
        if (parse_segment_name(n, first)) segs.push_back({first, cfg_.dir + "/" + n, {}, {}, 0});
    }
    std::sort(segs.begin(), segs.end(),
              [](const seg_info& a, const seg_info& b) { return a.first_lsn < b.first_lsn; });

    // Pass 1: find the records and the highest durable watermark any of them carries.
    uint64_t watermark = 0;
    std::string data;
    for (auto& s : segs) {
        if (auto ec = fs_->read_all(s.path, data)) return ec;
        auto scan = scan_segment(data);
        s.size = data.size();
        for (auto& r : scan.records) {
            watermark = std::max(watermark, r.watermark);
            r.payload = {};
        }
        s.records = std::move(scan.records);
        s.garbage = std::move(scan.garbage);
    }

    // Decide, in log order, what is corruption (damage to synced data: skipped, reported) and
    // where the torn tail starts (damage past the watermark: everything after it is cut).
    uint64_t prev = segs.empty() ? 0 : segs.front().first_lsn - 1;
    size_t cut_seg = segs.size();  // segments from here on hold nothing kept
    size_t cut_offset = 0;
    std::vector<std::vector<bool>> keep(segs.size());
    uint64_t reported_at = UINT64_MAX;
    for (size_t si = 0; si < segs.size() && cut_seg == segs.size(); ++si) {
        auto& s = segs[si];
        keep[si].assign(s.records.size(), false);
        size_t gi = 0;
        size_t kept_end = 0;
        auto damage = [&](uint64_t missing_from, uint64_t missing_to) {
            // missing_from..missing_to: LSNs absent (empty range: garbage bytes only)
            if (prev >= watermark) return false;            // unsynced: torn tail
            if (reported_at != prev) ++report.corruptions;  // one region: garbage + gap
            reported_at = prev;
            if (missing_to >= missing_from) {
                report.lost_records += std::min(missing_to, watermark) - missing_from + 1;
            }
            if (cfg_.log) {
                cfg_.log->error("DURABLE: corruption in {} after LSN {} ({} LSNs missing)", s.path,
                                prev,
                                missing_to >= missing_from ? missing_to - missing_from + 1 : 0);
            }
            return true;
        };
        for (size_t ri = 0; ri <= s.records.size(); ++ri) {
            size_t pos = ri < s.records.size() ? s.records[ri].begin : s.size;
            bool garbage_before = false;
            while (gi < s.garbage.size() && s.garbage[gi].begin < pos) {
                garbage_before = true;
                ++gi;
            }
            if (ri == s.records.size()) {
                if (garbage_before && !damage(1, 0)) {
                    cut_seg = si;
                    cut_offset = kept_end;
                }
                break;
            }
            const auto& r = s.records[ri];
            if (r.lsn <= prev) continue;  // stale duplicate
            bool ok = true;
            if (r.lsn > prev + 1) {
                ok = damage(prev + 1, r.lsn - 1);
            } else if (garbage_before) {
                ok = damage(1, 0);
            }
            if (!ok) {
                cut_seg = si;
                cut_offset = kept_end;
                break;
            }
            keep[si][ri] = true;
            kept_end = r.end;
            prev = r.lsn;
        }
    }

    // Pass 2: deliver the kept records; cut the torn tail durably.
    for (size_t si = 0; si < segs.size(); ++si) {
        auto& s = segs[si];
        bool any_kept = std::find(keep[si].begin(), keep[si].end(), true) != keep[si].end();
        if (si > cut_seg || (si == cut_seg && cut_offset == 0) || !any_kept) {
            report.torn_bytes += s.size;
            if (auto ec = fs_->remove(s.path)) return ec;
            continue;
        }
        if (auto ec = fs_->read_all(s.path, data)) return ec;
        for (size_t ri = 0; ri < s.records.size(); ++ri) {
            if (!keep[si][ri]) continue;
            const auto& r = s.records[ri];
            on_record(r.lsn, std::string_view(data).substr(r.begin + record_header_size,
                                                           r.end - r.begin - record_header_size));
            ++report.records;
        }
        if (si == cut_seg) {
            report.torn_bytes += s.size - cut_offset;
            if (auto ec = fs_->truncate(s.path, cut_offset)) return ec;
            s.size = cut_offset;
        }
        // recovered from the page cache after a kill -9: make it durable before building on it
        std::unique_ptr<append_file> f;
        if (auto ec = fs_->open_append(s.path, f)) return ec;
        if (auto ec = f->sync()) return ec;
        segments_.push_back(segment{s.first_lsn, s.path, s.size});
    }
    if (auto ec = fs_->sync_dir(cfg_.dir)) return ec;
    report.last_lsn = prev;
    next_lsn_ = prev + 1;
    committed_.store(prev, std::memory_order_release);
    if (cfg_.log && (report.corruptions > 0 || report.torn_bytes > 0)) {
        cfg_.log->warn(
            "DURABLE: recovered {} records up to LSN {} ({} corrupt regions, {} torn "
            "bytes cut)",
            report.records, prev, report.corruptions, report.torn_bytes);
    }
    return {};
}

}  // namespace nsqpp::durable
