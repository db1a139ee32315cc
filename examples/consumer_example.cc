// Consumes a topic/channel until SIGINT/SIGTERM (or `limit` messages), printing each body.
//   consumer_example [nsqd-tcp-address | http://lookupd:4161] [topic] [channel] [limit]
#include <nsqpp/consumer.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {
std::atomic<bool> interrupted{false};
void on_signal(int) { interrupted = true; }
}  // namespace

int main(int argc, char** argv) {
    std::string address = argc > 1 ? argv[1] : "127.0.0.1:4150";
    std::string topic = argc > 2 ? argv[2] : "example";
    std::string channel = argc > 3 ? argv[3] : "example";
    long limit = argc > 4 ? std::atol(argv[4]) : 0;

    nsqpp::client::config cfg;
    cfg.max_in_flight = 100;
    nsqpp::client::consumer consumer(topic, channel, cfg);
    std::atomic<long> seen{0};
    consumer.add_handler(
        [&](nsqpp::client::message& m) {
            std::printf("%.*s\n", static_cast<int>(m.body().size()), m.body().data());
            if (limit > 0 && ++seen >= limit) interrupted = true;
            return nsqpp::client::error{};  // success: the message is FINished
        },
        2);

    bool lookupd = address.rfind("http://", 0) == 0;
    auto err =
        lookupd ? consumer.connect_to_nsqlookupd(address) : consumer.connect_to_nsqd(address);
    if (err) {
        std::fprintf(stderr, "connect failed: %s\n", err.message().c_str());
        return 1;
    }
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    while (!interrupted && !consumer.wait_for(std::chrono::milliseconds(100))) {
    }
    consumer.stop();  // CLS, wait for in-flight messages, close
    consumer.wait();
    auto st = consumer.stats();
    std::fprintf(stderr, "received %llu, finished %llu, requeued %llu\n",
                 static_cast<unsigned long long>(st.messages_received),
                 static_cast<unsigned long long>(st.messages_finished),
                 static_cast<unsigned long long>(st.messages_requeued));
    return 0;
}
