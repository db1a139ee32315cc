#pragma once
// The private I/O thread of a producer/consumer: one io_context run by one thread. Owned by the
// implementation object as its first member so that it outlives every timer and socket.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <thread>

namespace nsqpp::client::detail {

class io_runner {
  public:
    io_runner() : ioc_(1), guard_(ioc_.get_executor()), thread_([this] { ioc_.run(); }) {}
    ~io_runner() { join(); }
    io_runner(const io_runner&) = delete;
    io_runner& operator=(const io_runner&) = delete;

    boost::asio::any_io_executor executor() { return ioc_.get_executor(); }
    // Lets run() return once every pending operation has completed, and waits for it.
    void join() {
        guard_.reset();
        if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
        if (thread_.joinable()) thread_.detach();
    }
    bool in_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

  private:
    boost::asio::io_context ioc_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
    std::thread thread_;
};

}  // namespace nsqpp::client::detail
