#pragma once
// The shared main() of the daemons: NSQ-style logger, start, stop cleanly on SIGINT/SIGTERM.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <exception>
#include <string>
#include <thread>

#include "base/log.h"

namespace nsqpp::net {

// Runs `Daemon` (ctor(Options), start(), stop(), wait()) until SIGINT/SIGTERM. `opts` needs
// log_level and log_prefix. Returns the process exit status: 0, or 1 when it cannot start
// ("failed to instantiate <name> - <error>", as NSQ logs it).
template <class Daemon, class Options>
int run_daemon(const std::string& name, const Options& opts) {
    auto level = base::parse_log_level(opts.log_level);
    auto log = base::make_logger(name, opts.log_prefix, level.value_or(base::log_level::info));
    try {
        Daemon daemon(opts);
        daemon.start();

        boost::asio::io_context signals_ctx(1);
        boost::asio::signal_set signals(signals_ctx, SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code& ec, int sig) {
            if (!ec) log->info("signal {} received, exiting", sig);
            daemon.stop();
        });
        std::thread signal_thread([&] { signals_ctx.run(); });
        daemon.wait();
        signals_ctx.stop();
        signal_thread.join();
    } catch (const std::exception& e) {
        log->critical("failed to instantiate {} - {}", name, e.what());
        return 1;
    }
    return 0;
}

}  // namespace nsqpp::net
