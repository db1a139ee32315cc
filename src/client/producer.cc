// Producer: the public facade over producer_impl.
#include "nsqpp/producer.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <stdexcept>

#include "client/commands.h"
#include "client/producer_impl.h"

namespace nsqpp::client {

namespace asio = boost::asio;
using detail::producer_impl;

namespace {

std::shared_ptr<producer_impl> make_impl(std::string address, config cfg,
                                         asio::any_io_executor ex) {
    if (auto err = cfg.validate()) throw std::invalid_argument(err.message());
    std::shared_ptr<detail::io_runner> runner;
    if (!ex) {
        runner = std::make_shared<detail::io_runner>();
        ex = runner->executor();
    }
    return std::make_shared<producer_impl>(std::move(address), std::move(cfg), std::move(runner),
                                           ex);
}

std::future<error> with_future(producer_impl& impl, producer_impl::kind k, std::string bytes) {
    auto promise = std::make_shared<std::promise<error>>();
    auto fut = promise->get_future();
    impl.submit(k, std::move(bytes), [promise](const error& err) { promise->set_value(err); });
    return fut;
}

}  // namespace

producer::producer(std::string address, config cfg)
    : impl_(make_impl(std::move(address), std::move(cfg), {})) {}

producer::producer(std::string address, config cfg, asio::any_io_executor executor)
    : impl_(make_impl(std::move(address), std::move(cfg), std::move(executor))) {}

producer::~producer() { stop(); }

error producer::connect() { return with_future(*impl_, producer_impl::kind::connect, {}).get(); }

error producer::publish(std::string_view topic, std::string_view body) {
    std::string cmd;
    detail::append_pub(cmd, topic, body);
    return with_future(*impl_, producer_impl::kind::publish, std::move(cmd)).get();
}

error producer::multi_publish(std::string_view topic, const std::vector<std::string>& bodies) {
    std::string cmd;
    detail::append_mpub(cmd, topic, bodies);
    return with_future(*impl_, producer_impl::kind::publish, std::move(cmd)).get();
}

error producer::deferred_publish(std::string_view topic, duration delay, std::string_view body) {
    std::string cmd;
    detail::append_dpub(cmd, topic, delay, body);
    return with_future(*impl_, producer_impl::kind::publish, std::move(cmd)).get();
}

std::future<error> producer::publish_async(std::string topic, std::string body) {
    std::string cmd;
    detail::append_pub(cmd, topic, body);
    return with_future(*impl_, producer_impl::kind::publish, std::move(cmd));
}

std::future<error> producer::multi_publish_async(std::string topic,
                                                 std::vector<std::string> bodies) {
    std::string cmd;
    detail::append_mpub(cmd, topic, bodies);
    return with_future(*impl_, producer_impl::kind::publish, std::move(cmd));
}

std::future<error> producer::deferred_publish_async(std::string topic, duration delay,
                                                    std::string body) {
    std::string cmd;
    detail::append_dpub(cmd, topic, delay, body);
    return with_future(*impl_, producer_impl::kind::publish, std::move(cmd));
}

void producer::publish_async(std::string topic, std::string body, completion done) {
    std::string cmd;
    detail::append_pub(cmd, topic, body);
    impl_->submit(producer_impl::kind::publish, std::move(cmd), std::move(done));
}

void producer::multi_publish_async(std::string topic, std::vector<std::string> bodies,
                                   completion done) {
    std::string cmd;
    detail::append_mpub(cmd, topic, bodies);
    impl_->submit(producer_impl::kind::publish, std::move(cmd), std::move(done));
}

void producer::deferred_publish_async(std::string topic, duration delay, std::string body,
                                      completion done) {
    std::string cmd;
    detail::append_dpub(cmd, topic, delay, body);
    impl_->submit(producer_impl::kind::publish, std::move(cmd), std::move(done));
}

error producer::ping() { return with_future(*impl_, producer_impl::kind::nop, "NOP\n").get(); }

void producer::stop() { impl_->stop(); }

const std::string& producer::address() const { return impl_->address(); }

bool producer::is_connected() const { return impl_->is_connected(); }

}  // namespace nsqpp::client
