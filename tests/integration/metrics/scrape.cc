#include "scrape.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>
#include <sstream>
#include <thread>

namespace nsqpp::metrics_test {

scrape scrape::parse(const std::string& body) {
    scrape s;
    s.text = body;
    std::istringstream in(body);
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        auto sp = line.rfind(' ');
        if (sp == std::string::npos) continue;
        s.samples[line.substr(0, sp)] = line.substr(sp + 1);
    }
    return s;
}

std::optional<double> scrape::value(const std::string& series) const {
    auto it = samples.find(series);
    if (it == samples.end()) return std::nullopt;
    return std::stod(it->second);
}

bool scrape::any_contains(std::string_view needle) const {
    for (const auto& [series, v] : samples) {
        if (series.find(needle) != std::string::npos) return true;
    }
    return false;
}

namespace {

// The family a sample belongs to: its name, less a summary suffix when that family exists.
std::string family_of(const std::string& name, const std::set<std::string>& declared) {
    if (declared.count(name)) return name;
    for (std::string_view suffix : {"_sum", "_count"}) {
        if (name.size() > suffix.size() && name.ends_with(suffix)) {
            std::string base = name.substr(0, name.size() - suffix.size());
            if (declared.count(base)) return base;
        }
    }
    return name;
}

}  // namespace

::testing::AssertionResult well_formed(const std::string& body) {
    if (!body.empty() && body.back() != '\n') {
        return ::testing::AssertionFailure() << "no final newline";
    }
    std::set<std::string> helps, types, finished;
    std::string current;
    std::istringstream in(body);
    int n = 0;
    for (std::string line; std::getline(in, line);) {
        ++n;
        if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
            std::string rest = line.substr(7);
            std::string name = rest.substr(0, rest.find(' '));
            auto& seen = line[2] == 'H' ? helps : types;
            if (!seen.insert(name).second) {
                return ::testing::AssertionFailure() << "line " << n << ": repeated " << line;
            }
            if (name != current) {
                if (!current.empty()) finished.insert(current);
                current = name;
            }
            continue;
        }
        std::string name = line.substr(0, line.find_first_of("{ "));
        std::string fam = family_of(name, types);
        if (!types.count(fam) || !helps.count(fam)) {
            return ::testing::AssertionFailure() << "line " << n << ": undeclared " << line;
        }
        if (fam != current || finished.count(fam)) {
            return ::testing::AssertionFailure() << "line " << n << ": not grouped: " << line;
        }
    }
    return ::testing::AssertionSuccess();
}

uint16_t free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    uint16_t port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
        port = ntohs(a.sin_port);
    }
    ::close(fd);
    return port;
}

bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (cond()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

}  // namespace nsqpp::metrics_test
