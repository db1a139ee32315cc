// nsqlookupd: parse flags, start the daemon, stop cleanly on SIGINT/SIGTERM.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <exception>
#include <thread>

#include "base/log.h"
#include "nsqlookupd/nsqlookupd.h"
#include "nsqlookupd/options_table.h"

int main(int argc, char** argv) {
    int exit_code = 0;
    auto opts = nsqpp::nsqlookupd::parse_command_line(argc, argv, &exit_code);
    if (!opts) return exit_code;

    auto level = nsqpp::base::parse_log_level(opts->log_level);
    auto log = nsqpp::base::make_logger("nsqlookupd", opts->log_prefix,
                                        level.value_or(nsqpp::base::log_level::info));
    try {
        nsqpp::nsqlookupd::nsqlookupd daemon(*opts);
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
        log->critical("failed to instantiate nsqlookupd - {}", e.what());
        return 1;
    }
    return 0;
}
