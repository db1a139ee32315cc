// base::get_logger from many threads at once: one logger per name, never an exception
// (spdlog's registry throws on a duplicate registration; an HTTP server's accept loop once
// died of it when two servers started together).
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "base/log.h"

namespace nsqpp::base {
namespace {

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

}  // namespace
}  // namespace nsqpp::base
