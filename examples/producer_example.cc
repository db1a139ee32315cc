// Publishes messages to one nsqd: synchronous PUB, MPUB, DPUB and asynchronous PUB.
//   producer_example [nsqd-tcp-address] [topic] [count]
#include <nsqpp/producer.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    std::string address = argc > 1 ? argv[1] : "127.0.0.1:4150";
    std::string topic = argc > 2 ? argv[2] : "example";
    int count = argc > 3 ? std::atoi(argv[3]) : 10;

    nsqpp::client::config cfg;
    if (auto err = cfg.set("user_agent", "producer_example/1.0")) {
        std::fprintf(stderr, "config: %s\n", err.message().c_str());
        return 1;
    }
    nsqpp::client::producer producer(address, cfg);

    if (auto err = producer.publish(topic, "hello")) {
        std::fprintf(stderr, "publish failed: %s\n", err.message().c_str());
        return 1;
    }
    std::vector<std::string> batch;
    for (int i = 0; i < count; ++i) batch.push_back("message " + std::to_string(i));
    if (auto err = producer.multi_publish(topic, batch)) {
        std::fprintf(stderr, "mpub failed: %s\n", err.message().c_str());
        return 1;
    }
    if (auto err = producer.deferred_publish(topic, std::chrono::seconds(1), "later")) {
        std::fprintf(stderr, "dpub failed: %s\n", err.message().c_str());
        return 1;
    }
    std::vector<std::future<nsqpp::client::error>> pending;
    for (int i = 0; i < count; ++i) {
        pending.push_back(producer.publish_async(topic, "async " + std::to_string(i)));
    }
    int failed = 0;
    for (auto& f : pending) {
        if (f.get()) ++failed;
    }
    producer.stop();
    std::printf("published %d messages to %s (%d async failures)\n", 2 + 2 * count, topic.c_str(),
                failed);
    return failed == 0 ? 0 : 1;
}
