#include "net/worker_pool.h"

#include <chrono>
#include <stdexcept>
#include <string>

namespace nsqpp::net {

worker_pool::worker_pool(size_t threads) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    for (size_t i = 0; i < threads; ++i) {
        contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
        guards_.emplace_back(contexts_.back()->get_executor());
    }
}

worker_pool::~worker_pool() { join(std::chrono::milliseconds(0)); }

void worker_pool::start() {
    for (auto& ctx : contexts_) {
        threads_.emplace_back([c = ctx.get()] { c->run(); });
    }
}

void worker_pool::join(std::chrono::milliseconds grace) {
    guards_.clear();
    auto deadline = std::chrono::steady_clock::now() + grace;
    for (auto& ctx : contexts_) {
        while (!ctx->stopped() && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        ctx->stop();
    }
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
    threads_.clear();
}

boost::asio::io_context& worker_pool::next() {
    return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

std::vector<boost::asio::any_io_executor> worker_pool::executors() {
    std::vector<boost::asio::any_io_executor> out;
    for (auto& ctx : contexts_) out.push_back(ctx->get_executor());
    return out;
}

std::pair<std::string, uint16_t> split_host_port(const std::string& address) {
    auto colon = address.rfind(':');
    if (colon == std::string::npos)
        throw std::invalid_argument("missing port in address " + address);
    std::string host = address.substr(0, colon);
    std::string port = address.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (host.empty()) host = "0.0.0.0";
    size_t used = 0;
    unsigned long p = 0;
    try {
        p = std::stoul(port, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (port.empty() || used != port.size() || p > 65535) {
        throw std::invalid_argument("invalid port in address " + address);
    }
    return {host, static_cast<uint16_t>(p)};
}

}  // namespace nsqpp::net
