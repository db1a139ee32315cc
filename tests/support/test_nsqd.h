#pragma once
// Starts an in-process nsqd for tests: TCP and HTTP on 127.0.0.1 with ephemeral ports, HTTPS off,
// a fresh temporary data directory (removed at process exit).
#include <memory>
#include <string>

#include "nsqd/nsqd.h"
#include "nsqd/options.h"

namespace nsqpp::test {

// Sets tcp_address/http_address to "127.0.0.1:0", https_address to "" ("127.0.0.1:0" when
// opts.tls_cert is set), data_path to a new temp
// dir and worker_threads to `workers`, then starts the daemon (throws when it cannot start).
std::unique_ptr<nsqd::nsqd> start_nsqd(nsqd::options opts = {}, int workers = 2);

// A new temporary directory, removed at process exit.
std::string make_temp_dir();

// As start_nsqd, but on the given data directory (restart tests).
std::unique_ptr<nsqd::nsqd> start_nsqd_in(const std::string& data_path, nsqd::options opts = {},
                                          int workers = 2);

}  // namespace nsqpp::test
