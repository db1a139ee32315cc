#pragma once
// statsd output (spec §10.1): every --statsd-interval the /stats snapshot (ctx.collect_stats,
// no second bookkeeping) becomes NSQ's metric lines — gauges, and counters as deltas from the
// previous push — packed into UDP datagrams of at most --statsd-udp-packet-size bytes and spread
// over the interval minus one second. Runs as a coroutine on one worker's executor.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nsqd/context.h"
#include "nsqd/stats.h"

namespace nsqpp::nsqd {

// The lines ("<prefix><metric>:<n>|c" or "|g", each ending in '\n') of one push, in NSQ's order:
// per topic its counters, gauges and e2e gauges, then its channels'; then mem.* when
// `current.memory` is set. Counters are `current` − `last` (the totals when `last` is null).
std::vector<std::string> statsd_lines(const std::string& prefix, const nsqd_stats& current,
                                      const nsqd_stats* last, bool exclude_ephemeral);

// Packs lines into datagrams of at most `packet_size` bytes without splitting a line; a line
// longer than that is sent alone.
std::vector<std::string> pack_datagrams(const std::vector<std::string>& lines, size_t packet_size);

// `<P>` of e2e_processing_latency_<P>: the quantile × 100 rounded ("99", "50", "100").
std::string quantile_suffix(double quantile);

class statsd_loop : public std::enable_shared_from_this<statsd_loop> {
  public:
    // `ctx` must outlive the loop's coroutine (nsqd joins its workers before it goes).
    statsd_loop(context& ctx, boost::asio::any_io_executor ex);

    // Starts pushing every opts.statsd_interval to opts.statsd_address.
    void start();
    // Ends the loop (safe from any thread); a push in progress sends its rest without pauses.
    void stop();

  private:
    static boost::asio::awaitable<void> run(std::shared_ptr<statsd_loop> self);
    static boost::asio::awaitable<void> push(std::shared_ptr<statsd_loop> self);
    // Waits on timer_ unless stopping; false when stopped or cancelled.
    boost::asio::awaitable<bool> sleep_until(std::chrono::steady_clock::time_point t);

    context& ctx_;
    boost::asio::any_io_executor ex_;
    boost::asio::steady_timer timer_;
    std::atomic<bool> stopping_{false};
    std::string prefix_;
    std::optional<nsqd_stats> last_;  // the previous push's snapshot (counter deltas)
};

}  // namespace nsqpp::nsqd
