#include "metrics/process.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace nsqpp::metrics {
namespace {

// The fields of /proc/self/stat after "(comm)": index 0 is field 3 (state).
std::vector<std::string> stat_fields() {
    std::ifstream in("/proc/self/stat");
    std::string line;
    if (!std::getline(in, line)) return {};
    auto close = line.rfind(')');
    if (close == std::string::npos) return {};
    std::istringstream rest(line.substr(close + 1));
    std::vector<std::string> out;
    for (std::string f; rest >> f;) out.push_back(std::move(f));
    return out;
}

std::optional<int64_t> to_int(const std::vector<std::string>& f, size_t i) {
    if (i >= f.size()) return std::nullopt;
    try {
        return std::stoll(f[i]);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::optional<int64_t> boot_time_seconds() {
    std::ifstream in("/proc/stat");
    for (std::string key; in >> key;) {
        if (key == "btime") {
            int64_t v = 0;
            if (in >> v) return v;
            return std::nullopt;
        }
        in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    }
    return std::nullopt;
}

// Entries of /proc/self/fd but "." and "..", less the directory's own descriptor (plain
// readdir: an nsqd with thousands of disk queues has thousands of descriptors).
std::optional<int64_t> count_open_fds() {
    DIR* dir = ::opendir("/proc/self/fd");
    if (dir == nullptr) return std::nullopt;
    int64_t n = 0;
    while (const dirent* e = ::readdir(dir)) {
        if (e->d_name[0] != '.') ++n;
    }
    ::closedir(dir);
    return n - 1;
}

}  // namespace

process_stats read_process_stats() {
    process_stats s;
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const int64_t page = sysconf(_SC_PAGESIZE);
    auto f = stat_fields();
    // field numbers (man 5 proc) minus 3: utime 14, stime 15, starttime 22, vsize 23, rss 24
    auto utime = to_int(f, 11);
    auto stime = to_int(f, 12);
    if (utime && stime && ticks > 0) s.cpu_seconds = static_cast<double>(*utime + *stime) / ticks;
    if (auto start = to_int(f, 19); start && ticks > 0) {
        if (auto boot = boot_time_seconds()) {
            s.start_time_seconds = static_cast<double>(*boot) + static_cast<double>(*start) / ticks;
        }
    }
    s.virtual_bytes = to_int(f, 20);
    if (auto rss = to_int(f, 21)) s.resident_bytes = *rss * page;
    s.open_fds = count_open_fds();
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        s.max_fds = static_cast<int64_t>(rl.rlim_cur);
    }
    return s;
}

void add_process_metrics(exposition& e, const process_stats& s) {
    auto add = [&e](std::string_view name, metric_type t, std::string_view help, auto value) {
        if (value) e.add_family(name, t, help).add({}, *value);
    };
    add("process_cpu_seconds_total", metric_type::counter,
        "Total user and system CPU time spent in seconds.", s.cpu_seconds);
    add("process_resident_memory_bytes", metric_type::gauge, "Resident memory size in bytes.",
        s.resident_bytes);
    add("process_virtual_memory_bytes", metric_type::gauge, "Virtual memory size in bytes.",
        s.virtual_bytes);
    add("process_open_fds", metric_type::gauge, "Number of open file descriptors.", s.open_fds);
    add("process_max_fds", metric_type::gauge, "Maximum number of open file descriptors.",
        s.max_fds);
    add("process_start_time_seconds", metric_type::gauge,
        "Start time of the process since unix epoch in seconds.", s.start_time_seconds);
}

void add_build_info(exposition& e, std::string_view version) {
    e.add_family("nsq_build_info", metric_type::gauge,
                 "A metric with a constant '1' value labeled by the NSQ version this build "
                 "implements.")
        .add({{"version", version}, {"implementation", "nsqpp"}}, 1);
}

}  // namespace nsqpp::metrics
