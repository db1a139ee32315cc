#pragma once
// go-nsq's log lines (shared/spec/client.md §9): "INF    1 [topic/channel] (addr) text", sent to
// config::logger or, by default, to stderr after Go's "2006/01/02 15:04:05 " prefix.
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "nsqpp/config.h"

namespace nsqpp::client::detail {

class logger {
  public:
    // `context` is "[topic/channel]" for consumers, "" for producers.
    logger(const config& cfg, std::string context);

    bool enabled(log_level level) const { return level >= min_ && min_ != log_level::none; }

    template <class... Args>
    void log(log_level level, fmt::format_string<Args...> f, Args&&... args) const {
        if (!enabled(level)) return;
        write(level, {}, fmt::format(f, std::forward<Args>(args)...));
    }
    // A line about one connection: "... (addr) text".
    template <class... Args>
    void log_conn(log_level level, std::string_view addr, fmt::format_string<Args...> f,
                  Args&&... args) const {
        if (!enabled(level)) return;
        write(level, addr, fmt::format(f, std::forward<Args>(args)...));
    }

  private:
    void write(log_level level, std::string_view addr, const std::string& text) const;

    log_level min_;
    log_function fn_;
    int id_;
    std::string context_;
};

}  // namespace nsqpp::client::detail
