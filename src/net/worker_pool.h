#pragma once
// N worker threads, each running its own io_context (concurrency hint 1).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

namespace nsqpp::net {

class worker_pool {
  public:
    // threads == 0 means std::thread::hardware_concurrency().
    explicit worker_pool(size_t threads);
    ~worker_pool();
    worker_pool(const worker_pool&) = delete;
    worker_pool& operator=(const worker_pool&) = delete;

    void start();
    // Lets the threads finish once their io_contexts run out of work, then joins them;
    // after `grace` forces the io_contexts to stop.
    void join(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));

    size_t size() const { return contexts_.size(); }
    boost::asio::io_context& at(size_t i) { return *contexts_[i]; }
    // Round robin over the workers (for new connections).
    boost::asio::io_context& next();
    std::vector<boost::asio::any_io_executor> executors();

  private:
    using guard_t = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
    std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
    std::vector<guard_t> guards_;
    std::vector<std::thread> threads_;
    std::atomic<size_t> next_{0};
};

// Splits "host:port" ("[::1]:4150", ":4150" = all interfaces). Throws std::invalid_argument.
std::pair<std::string, uint16_t> split_host_port(const std::string& address);

}  // namespace nsqpp::net
