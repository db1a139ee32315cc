#pragma once
// The client library's error value: empty = success (Go's `err == nil`), otherwise a message
// with go-nsq's texts ("not connected", "stopped", the server's "E_BAD_TOPIC ..." verbatim).
#include <string>
#include <utility>

namespace nsqpp::client {

class error {
  public:
    error() = default;
    explicit error(std::string message) : message_(std::move(message)) {}

    // True when this is a failure: `if (auto err = p.publish(...)) { ... err.message() ... }`.
    explicit operator bool() const { return !message_.empty(); }
    bool ok() const { return message_.empty(); }
    const std::string& message() const { return message_; }

    friend bool operator==(const error& a, const error& b) = default;

  private:
    std::string message_;
};

}  // namespace nsqpp::client
