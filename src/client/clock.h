#pragma once
// Injectable time source for the RDY and backoff logic (unit tests use a manual clock).
#include <chrono>

namespace nsqpp::client::detail {

class clock {
  public:
    using time_point = std::chrono::steady_clock::time_point;
    virtual ~clock() = default;
    virtual time_point now() const = 0;
};

class steady_clock final : public clock {
  public:
    time_point now() const override { return std::chrono::steady_clock::now(); }
};

// A clock that only moves when told to (tests).
class manual_clock final : public clock {
  public:
    time_point now() const override { return now_; }
    void advance(std::chrono::steady_clock::duration d) { now_ += d; }

  private:
    time_point now_{std::chrono::seconds(1000)};
};

}  // namespace nsqpp::client::detail
