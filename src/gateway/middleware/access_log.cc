// access_log: one line per finished request, to the "nsqgw" logger (NSQ's format) or, with
// `path`, appended to a file. Settings: path (""), level ("info").
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <stdexcept>

#include "base/log.h"
#include "gateway/middleware/factories.h"

namespace nsqpp::gateway::mw {
namespace {

class access_log final : public middleware {
  public:
    explicit access_log(std::string path) : path_(std::move(path)) {
        if (!path_.empty()) {
            file_ = std::fopen(path_.c_str(), "a");
            if (!file_) throw std::invalid_argument("access_log: cannot open " + path_);
        }
    }
    ~access_log() override {
        if (file_) std::fclose(file_);
    }
    std::string_view name() const override { return "access_log"; }

    void on_complete(const exchange& ex) override {
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - ex.start)
                      .count();
        std::string line = fmt::format(
            "{} \"{} {} HTTP/{}.{}\" {} {} {:.3f}ms upstream={} request_id={}", ex.client_ip,
            ex.method, ex.target, ex.http_version / 10, ex.http_version % 10, ex.status,
            ex.bytes_out, static_cast<double>(us) / 1000.0,
            ex.upstream_address.empty() ? "-" : ex.upstream_address,
            ex.request_id.empty() ? "-" : ex.request_id);
        if (!file_) {
            base::get_logger("nsqgw")->info("{}", line);
            return;
        }
        std::lock_guard lock(mu_);
        std::fprintf(file_, "%s\n", line.c_str());
        std::fflush(file_);
    }

  private:
    std::string path_;
    std::FILE* file_ = nullptr;
    std::mutex mu_;
};

}  // namespace

middleware_ptr make_access_log(const settings& s, const middleware_env&) {
    return std::make_shared<access_log>(s.get_string("path", ""));
}

}  // namespace nsqpp::gateway::mw
