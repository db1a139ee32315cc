#pragma once
// A real local cluster for nsqadmin's tests: nsqlookupd + 2 nsqd registered with it (all
// in-process on 127.0.0.1:0) and an in-process nsqadmin, plus JSON helpers for its API.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "http/client.h"
#include "nsqadmin/nsqadmin.h"
#include "tests/integration/cluster/cluster.h"

namespace nsqpp::nsqadmin_test {

using namespace std::chrono_literals;
using cluster_test::eventually;

// An nsqadmin answer: status and (when JSON) the parsed body.
struct api_reply {
    int status = 0;
    std::string body;
    boost::json::value json;      // null when the body is not JSON
    std::string message() const;  // "message" member or ""
    const boost::json::object& obj() const;
};

api_reply call(uint16_t port, const std::string& method, const std::string& target,
               const std::string& body = "",
               std::vector<std::pair<std::string, std::string>> headers = {});

// nsqadmin in-process on 127.0.0.1:0 with `opts` (http_address is overridden).
std::unique_ptr<nsqadmin::nsqadmin> start_admin(nsqadmin::options opts);

// A port nothing listens on (bound once, then closed).
uint16_t dead_port();

class admin_cluster : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

    // nsqadmin in lookupd mode over this cluster, with extra options.
    void start_admin_with(nsqadmin::options opts = {});

    api_reply get(const std::string& target) { return call(admin_port(), "GET", target); }
    api_reply post(const std::string& target, const std::string& body,
                   std::vector<std::pair<std::string, std::string>> headers = {}) {
        return call(admin_port(), "POST", target, body, std::move(headers));
    }
    api_reply del(const std::string& target, const std::string& body = "",
                  std::vector<std::pair<std::string, std::string>> headers = {}) {
        return call(admin_port(), "DELETE", target, body, std::move(headers));
    }
    uint16_t admin_port() const { return admin_->http_port(); }

    // Creates `topic` (and `channel`) on nsqd i and waits until lookupd lists nsqd i for it.
    void create_on(size_t i, const std::string& topic, const std::string& channel = "");
    void publish(size_t i, const std::string& topic, const std::string& body);
    // "127.0.0.1:<http port>" of nsqd i: its node id in nsqadmin.
    std::string node_id(size_t i) const;
    // nsqd i's /stats topic object (null when absent).
    boost::json::value nsqd_topic(size_t i, const std::string& topic);
    boost::json::value nsqd_channel(size_t i, const std::string& topic, const std::string& channel);

    std::unique_ptr<nsqlookupd::nsqlookupd> lookupd_;
    std::vector<std::unique_ptr<nsqd::nsqd>> nsqds_;
    std::unique_ptr<nsqadmin::nsqadmin> admin_;
};

}  // namespace nsqpp::nsqadmin_test
