// random, round robin, smooth weighted round robin, least connections, and the factory.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <stdexcept>

#include "gateway/balancer.h"
#include "gateway/hash_ring.h"

namespace nsqpp::gateway {

bool balancer::usable(const member& m, const pick_request& req) const {
    if (!m.available(req.now)) return false;
    return std::find(req.exclude.begin(), req.exclude.end(), &m) == req.exclude.end();
}

namespace {

class random_balancer final : public balancer {
  public:
    using balancer::balancer;
    member* pick(const pick_request& req) override {
        thread_local std::minstd_rand rng{std::random_device{}()};
        std::vector<member*> ok;
        for (auto& m : members_) {
            if (usable(*m, req)) ok.push_back(m.get());
        }
        if (ok.empty()) return nullptr;
        return ok[std::uniform_int_distribution<size_t>(0, ok.size() - 1)(rng)];
    }
};

class round_robin_balancer final : public balancer {
  public:
    using balancer::balancer;
    member* pick(const pick_request& req) override {
        size_t n = members_.size();
        size_t start = next_.fetch_add(1, std::memory_order_relaxed);
        for (size_t i = 0; i < n; ++i) {
            member* m = members_[(start + i) % n].get();
            if (usable(*m, req)) return m;
        }
        return nullptr;
    }

  private:
    std::atomic<size_t> next_{0};
};

// nginx's smooth weighted round robin (ngx_http_upstream_get_peer): every usable member gains
// its weight, the largest current weight wins and loses the total.
class swrr_balancer final : public balancer {
  public:
    explicit swrr_balancer(std::vector<member_ptr> members)
        : balancer(std::move(members)), current_(members_.size(), 0) {}
    member* pick(const pick_request& req) override {
        std::lock_guard lock(mu_);
        int64_t total = 0;
        int best = -1;
        for (size_t i = 0; i < members_.size(); ++i) {
            if (!usable(*members_[i], req)) continue;
            current_[i] += members_[i]->weight();
            total += members_[i]->weight();
            if (best < 0 || current_[i] > current_[static_cast<size_t>(best)]) {
                best = static_cast<int>(i);
            }
        }
        if (best < 0) return nullptr;
        current_[static_cast<size_t>(best)] -= total;
        return members_[static_cast<size_t>(best)].get();
    }

  private:
    std::mutex mu_;
    std::vector<int64_t> current_;
};

// Fewest requests in progress relative to weight; ties go round robin.
class least_connections_balancer final : public balancer {
  public:
    using balancer::balancer;
    member* pick(const pick_request& req) override {
        size_t n = members_.size();
        size_t start = next_.fetch_add(1, std::memory_order_relaxed);
        member* best = nullptr;
        for (size_t i = 0; i < n; ++i) {
            member* m = members_[(start + i) % n].get();
            if (!usable(*m, req)) continue;
            if (!best || m->active.load(std::memory_order_relaxed) * best->weight() <
                             best->active.load(std::memory_order_relaxed) * m->weight()) {
                best = m;
            }
        }
        return best;
    }

  private:
    std::atomic<size_t> next_{0};
};

class consistent_hash_balancer final : public balancer {
  public:
    consistent_hash_balancer(std::vector<member_ptr> members, int virtual_nodes)
        : balancer(std::move(members)), ring_(members_, virtual_nodes) {}
    member* pick(const pick_request& req) override {
        return ring_.find(hash64(req.key), [&](const member& m) { return usable(m, req); });
    }

  private:
    hash_ring ring_;
};

}  // namespace

bool is_balancer_name(std::string_view name) {
    for (std::string_view n : {"random", "round_robin", "weighted_round_robin", "swrr",
                               "consistent_hash", "hash", "least_connections", "least_conn"}) {
        if (n == name) return true;
    }
    return false;
}

std::unique_ptr<balancer> make_balancer(std::string_view name, std::vector<member_ptr> members,
                                        const balancer_options& opts) {
    if (name == "random") return std::make_unique<random_balancer>(std::move(members));
    if (name == "round_robin") return std::make_unique<round_robin_balancer>(std::move(members));
    if (name == "weighted_round_robin" || name == "swrr") {
        return std::make_unique<swrr_balancer>(std::move(members));
    }
    if (name == "consistent_hash" || name == "hash") {
        return std::make_unique<consistent_hash_balancer>(std::move(members), opts.virtual_nodes);
    }
    if (name == "least_connections" || name == "least_conn") {
        return std::make_unique<least_connections_balancer>(std::move(members));
    }
    throw std::invalid_argument("unknown balancer \"" + std::string(name) +
                                "\" (random, round_robin, weighted_round_robin, "
                                "consistent_hash, least_connections)");
}

}  // namespace nsqpp::gateway
