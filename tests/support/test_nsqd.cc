#include "tests/support/test_nsqd.h"

#include <stdlib.h>

#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace nsqpp::test {
namespace {

// Temp dirs made by start_nsqd, removed when the test binary exits.
class temp_dirs {
  public:
    ~temp_dirs() {
        std::error_code ec;
        for (const auto& d : dirs_) std::filesystem::remove_all(d, ec);
    }
    std::string make() {
        std::string templ = (std::filesystem::temp_directory_path() / "nsqpp-test-XXXXXX").string();
        if (::mkdtemp(templ.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed for " + templ);
        }
        std::lock_guard lock(mu_);
        dirs_.push_back(templ);
        return templ;
    }

  private:
    std::mutex mu_;
    std::vector<std::string> dirs_;
};

temp_dirs& dirs() {
    static temp_dirs d;
    return d;
}

}  // namespace

std::string make_temp_dir() { return dirs().make(); }

std::unique_ptr<nsqd::nsqd> start_nsqd(nsqd::options opts, int workers) {
    return start_nsqd_in(dirs().make(), std::move(opts), workers);
}

std::unique_ptr<nsqd::nsqd> start_nsqd_in(const std::string& data_path, nsqd::options opts,
                                          int workers) {
    opts.tcp_address = "127.0.0.1:0";
    opts.http_address = "127.0.0.1:0";
    opts.https_address = opts.tls_cert.empty() ? "" : "127.0.0.1:0";
    opts.data_path = data_path;
    opts.worker_threads = workers;
    auto d = std::make_unique<nsqd::nsqd>(std::move(opts));
    d->start();
    return d;
}

}  // namespace nsqpp::test
