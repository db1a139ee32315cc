// base::get_logger from many threads at once: one logger per name, never an exception
// (spdlog's registry throws on a duplicate registration; an HTTP server's accept loop once
// died of it when two servers started together).
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>

#include "base/log.h"

namespace nsqpp::base {
namespace {

std::ostringstream& captured() {
    static std::ostringstream out;
    return out;
}

TEST(Logger, ConcurrentFirstUseOfANameCreatesOneLogger) {
    constexpr int threads = 4;
    for (int round = 0; round < 300; ++round) {
        std::string name = "race-" + std::to_string(round);
        std::atomic<int> ready{0};
        std::atomic<int> failures{0};
        std::vector<std::shared_ptr<spdlog::logger>> got(threads);
        std::vector<std::thread> pool;
        for (int i = 0; i < threads; ++i) {
            pool.emplace_back([&, i] {
                ready.fetch_add(1);
                while (ready.load() < threads) {
                }
                try {
                    got[i] = get_logger(name);
                } catch (const std::exception&) {
                    failures.fetch_add(1);
                }
            });
        }
        for (auto& t : pool) t.join();
        ASSERT_EQ(failures.load(), 0) << "round " << round;
        for (int i = 1; i < threads; ++i) ASSERT_EQ(got[i], got[0]) << "round " << round;
        EXPECT_EQ(spdlog::get(name), got[0]);
    }
}

TEST(Logger, LogFailureReportsTheException) {
    auto logger = get_logger("failure-test");
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured());
    logger->sinks().push_back(sink);
    log_failure{"failure-test", "accept loop"}(nullptr);  // no exception: nothing logged
    EXPECT_EQ(captured().str(), "");
    log_failure{"failure-test", "accept loop"}(
        std::make_exception_ptr(std::runtime_error("boom")));
    EXPECT_NE(captured().str().find("accept loop failed - boom"), std::string::npos)
        << captured().str();
}

}  // namespace
}  // namespace nsqpp::base
