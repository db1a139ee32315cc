// Consumer: the public facade over consumer_impl.
#include "nsqpp/consumer.h"

#include <stdexcept>

#include "client/consumer_impl.h"
#include "wire/names.h"

namespace nsqpp::client {

namespace asio = boost::asio;
using detail::consumer_impl;

namespace {

class function_handler final : public handler {
  public:
    explicit function_handler(handler_function fn) : fn_(std::move(fn)) {}
    error handle_message(message& msg) override { return fn_(msg); }

  private:
    handler_function fn_;
};

std::shared_ptr<consumer_impl> make_impl(std::string topic, std::string channel, config cfg,
                                         asio::any_io_executor ex) {
    if (auto err = cfg.validate()) throw std::invalid_argument(err.message());
    if (!wire::is_valid_topic_name(topic)) throw std::invalid_argument("invalid topic name");
    if (!wire::is_valid_channel_name(channel)) throw std::invalid_argument("invalid channel name");
    std::shared_ptr<detail::io_runner> runner;
    if (!ex) {
        runner = std::make_shared<detail::io_runner>();
        ex = runner->executor();
    }
    auto impl = std::make_shared<consumer_impl>(std::move(topic), std::move(channel),
                                                std::move(cfg), std::move(runner), ex);
    impl->start();
    return impl;
}

}  // namespace

consumer::consumer(std::string topic, std::string channel, config cfg)
    : impl_(make_impl(std::move(topic), std::move(channel), std::move(cfg), {})) {}

consumer::consumer(std::string topic, std::string channel, config cfg,
                   asio::any_io_executor executor)
    : impl_(make_impl(std::move(topic), std::move(channel), std::move(cfg), std::move(executor))) {}

consumer::~consumer() {
    impl_->stop();
    impl_->wait();
    impl_->join_threads();
}

void consumer::add_handler(std::shared_ptr<handler> h, int concurrency) {
    impl_->add_handler(std::move(h), concurrency);
}

void consumer::add_handler(handler_function fn, int concurrency) {
    impl_->add_handler(std::make_shared<function_handler>(std::move(fn)), concurrency);
}

error consumer::connect_to_nsqd(const std::string& address) {
    return impl_->connect_to_nsqd(address);
}

error consumer::connect_to_nsqds(const std::vector<std::string>& addresses) {
    for (const auto& a : addresses) {
        if (auto err = impl_->connect_to_nsqd(a)) return err;
    }
    return {};
}

error consumer::disconnect_from_nsqd(const std::string& address) {
    return impl_->disconnect_from_nsqd(address);
}

error consumer::connect_to_nsqlookupd(const std::string& address) {
    return impl_->connect_to_nsqlookupd(address);
}

error consumer::connect_to_nsqlookupds(const std::vector<std::string>& addresses) {
    for (const auto& a : addresses) {
        if (auto err = impl_->connect_to_nsqlookupd(a)) return err;
    }
    return {};
}

error consumer::disconnect_from_nsqlookupd(const std::string& address) {
    return impl_->disconnect_from_nsqlookupd(address);
}

void consumer::set_nsqd_filter(std::function<bool(const std::string& address)> filter) {
    impl_->set_nsqd_filter(std::move(filter));
}

void consumer::change_max_in_flight(int max_in_flight) {
    impl_->change_max_in_flight(max_in_flight);
}

bool consumer::is_starved() const { return impl_->is_starved(); }

consumer_stats consumer::stats() const { return impl_->stats(); }

const std::string& consumer::topic() const { return impl_->topic(); }

const std::string& consumer::channel() const { return impl_->channel(); }

void consumer::stop() { impl_->stop(); }

void consumer::wait() { impl_->wait(); }

bool consumer::wait_for(duration timeout) { return impl_->wait_for(timeout); }

void consumer::on_stopped(std::function<void()> fn) { impl_->on_stopped(std::move(fn)); }

}  // namespace nsqpp::client
