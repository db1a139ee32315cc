#pragma once
// nsqd as a client of nsqlookupd (spec nsqd.md §9 and §4.2): one lookup_peer per
// --lookupd-tcp-address, REGISTER/UNREGISTER fan-out, /config/nsqlookupd_tcp_addresses, and
// the blocking /channels query used to pre-create the channels of a new topic.
#include <boost/asio/any_io_executor.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "nsqd/context.h"
#include "nsqd/lookup_peer.h"

namespace nsqpp::nsqd {

class lookupd_client {
  public:
    // Peers run their coroutines on `ex` (one of nsqd's workers).
    lookupd_client(context& ctx, boost::asio::any_io_executor ex, lookup_peer_timing timing = {});
    ~lookupd_client();
    lookupd_client(const lookupd_client&) = delete;
    lookupd_client& operator=(const lookupd_client&) = delete;

    // Sets ctx.lookupd_register, ctx.lookupd_channels and ctx.set_lookupd_addresses to this
    // client (which must outlive every caller of the hooks).
    void install_hooks();
    // Connects to ctx.lookupd_tcp_addresses(). Call once nsqd's ports are known.
    void start();
    // Closes every peer (their coroutines end promptly on the executor); later calls of the
    // hooks do nothing (lookupd_channels returns {}). Idempotent; any thread.
    void stop();

    // Closes peers not in `addresses` and connects to the new ones. Never blocks.
    void set_addresses(const std::vector<std::string>& addresses);
    // Queues REGISTER/UNREGISTER <topic> [<channel>] to every peer. Never blocks.
    void announce(const std::string& topic, const std::string& channel, bool add);
    // GET /channels?topic= on every lookupd that has answered an IDENTIFY (in parallel, with
    // the http-client timeouts): merged, de-duplicated, sorted, without #ephemeral names.
    // Blocks the calling thread (never an event loop of this client's executor for long).
    std::vector<std::string> channels(const std::string& topic);

  private:
    void connect_locked(const std::string& address);

    context& ctx_;
    boost::asio::any_io_executor ex_;
    lookup_peer_timing timing_;
    std::mutex mu_;
    std::map<std::string, std::shared_ptr<lookup_peer>> peers_;  // by configured address
    bool started_ = false;
    bool stopped_ = false;
};

// Go's url.QueryEscape (for topic names in query strings).
std::string query_escape(std::string_view s);

}  // namespace nsqpp::nsqd
