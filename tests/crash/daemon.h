#pragma once
// Starts the real nsqd binary in durable mode on a data directory (crash suites), and a minimal
// HTTP GET for its /stats and /metrics.
#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace nsqpp::test {

struct durable_daemon {
    std::unique_ptr<child_process> proc;
    uint16_t port = 0;
};

// nsqd --durability=fsync on `dir`, TCP on 127.0.0.1:0; `env` (NAME=value) is added to the
// child's environment (crashsim's LD_PRELOAD). Fails the test when it does not come up.
durable_daemon start_durable(const std::string& binary, const std::string& dir, int run,
                             const std::vector<std::string>& extra_args = {},
                             const std::string& durability = "fsync");

// GET http://127.0.0.1:<port><path>; the whole response (headers and body), "" on failure.
std::string http_get(uint16_t port, const std::string& path);

}  // namespace nsqpp::test
