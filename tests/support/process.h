#pragma once
// Runs a built binary (e2e tests): stderr captured to a file, readiness by a log line.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace nsqpp::test {

class child_process {
  public:
    // Starts `binary` with `args`; stdout and stderr go to `log_path`.
    child_process(const std::string& binary, const std::vector<std::string>& args,
                  std::string log_path);
    ~child_process();  // SIGKILLs a still running child
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    // The port in the first log line containing "<what>: listening on <host>:<port>".
    std::optional<uint16_t> wait_for_port(const std::string& what,
                                          std::chrono::milliseconds timeout);
    void signal(int sig);
    // Waits for exit; returns the exit status, or -signal when killed, nullopt on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    std::string log() const;

  private:
    pid_t pid_ = -1;
    std::string log_path_;
};

}  // namespace nsqpp::test
