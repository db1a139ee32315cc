#pragma once
// Helpers for the /metrics tests: a scraped exposition parsed into series → value, and a
// structural check of the text format (HELP/TYPE once per family, samples grouped).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace nsqpp::metrics_test {

struct scrape {
    // `name{labels}` exactly as written → value text.
    std::map<std::string, std::string> samples;
    std::string text;

    static scrape parse(const std::string& body);
    std::optional<double> value(const std::string& series) const;
    // Whether any sample line contains `needle` (e.g. `topic="x"`).
    bool any_contains(std::string_view needle) const;
};

// Every family has one HELP and one TYPE line, before its samples, and its samples are
// contiguous; every sample belongs to a declared family; the body ends with a newline.
::testing::AssertionResult well_formed(const std::string& body);

// A free TCP port on 127.0.0.1 (bound to port 0, then closed).
uint16_t free_port();

// Polls `cond` every 50 ms until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout);

}  // namespace nsqpp::metrics_test
