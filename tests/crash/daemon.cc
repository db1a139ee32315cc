#include "tests/crash/daemon.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace nsqpp::test {

durable_daemon start_durable(const std::string& binary, const std::string& dir, int run,
                             const std::vector<std::string>& extra_args,
                             const std::string& durability) {
    using namespace std::chrono_literals;
    std::vector<std::string> args{"--tcp-address=127.0.0.1:0", "--data-path=" + dir,
                                  "--durability=" + durability};
    bool http = false;
    for (const auto& a : extra_args) http = http || a.rfind("--http-address", 0) == 0;
    if (!http) args.push_back("--http-address=");
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    durable_daemon d;
    d.proc =
        std::make_unique<child_process>(binary, args, dir + "/../nsqd.log." + std::to_string(run));
    auto port = d.proc->wait_for_port("TCP", 20s);
    EXPECT_TRUE(port) << d.proc->log();
    d.port = port.value_or(0);
    return d;
}

std::string http_get(uint16_t port, const std::string& path) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return "";
    timeval tv{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string out;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
        std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
        if (::write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
            char buf[4096];
            for (ssize_t n; (n = ::read(fd, buf, sizeof(buf))) > 0;) {
                out.append(buf, static_cast<size_t>(n));
            }
        }
    }
    ::close(fd);
    return out;
}

}  // namespace nsqpp::test
