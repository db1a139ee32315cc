#pragma once
// The set of topics of one nsqd, and the queue scanner over their channels.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "broker/topic.h"

namespace nsqpp::broker {

struct registry_config {
    size_t mem_queue_size = 10000;
    int64_t node_id = 0;
    backend_factory make_backend;                // empty: memory only
    std::shared_ptr<const quantile_config> e2e;  // channels' latency quantiles; null: none
};

class registry {
  public:
    explicit registry(registry_config cfg) : cfg_(cfg) {}

    // Returns the topic, creating it when missing (`created` tells which). Returns nullptr
    // once the registry is closing.
    // A topic created with started == false holds its messages until topic::start().
    std::shared_ptr<topic> get_topic(const std::string& name, bool* created = nullptr,
                                     bool started = true);
    std::shared_ptr<topic> find_topic(const std::string& name) const;
    // Removes and closes the topic (and its channels); false when it did not exist.
    bool delete_topic(const std::string& name);
    // Deletes `t` only if it is still registered, ephemeral and without channels; true if so.
    bool delete_if_unused_ephemeral(const std::shared_ptr<topic>& t);
    std::vector<std::shared_ptr<topic>> topics() const;

    // Requeues timed-out in-flight messages and releases due deferred ones on every channel,
    // moves topic backlogs to their channels and honours the backends' sync timeouts.
    // Returns the number of channels that had work.
    size_t scan(steady_time now);

    // Shutdown: flushes every topic and channel (memory, in-flight, deferred) to its backend.
    void close_all();

    const registry_config& config() const { return cfg_; }
    // Durable mode: set before the first topic is created; durable topics keep their backlog in
    // memory (the journal is the store) whatever mem_queue_size says.
    void set_journal(std::shared_ptr<journal> j) { journal_ = std::move(j); }
    const std::shared_ptr<journal>& get_journal() const { return journal_; }

  private:
    registry_config cfg_;
    mutable std::mutex mu_;
    std::map<std::string, std::shared_ptr<topic>> topics_;
    bool closing_ = false;
    std::shared_ptr<journal> journal_;
};

}  // namespace nsqpp::broker
