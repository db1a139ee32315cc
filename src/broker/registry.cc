#include "broker/registry.h"

#include "wire/names.h"

namespace nsqpp::broker {

std::shared_ptr<topic> registry::get_topic(const std::string& name, bool* created, bool started) {
    std::lock_guard lock(mu_);
    if (closing_) return nullptr;
    auto it = topics_.find(name);
    if (it != topics_.end()) {
        if (created) *created = false;
        return it->second;
    }
    const bool durable = journal_ && !wire::is_ephemeral(name);
    auto t = std::make_shared<topic>(name, durable ? SIZE_MAX : cfg_.mem_queue_size, cfg_.node_id,
                                     cfg_.make_backend, started, cfg_.e2e);
    if (durable) t->attach_journal(journal_);
    topics_.emplace(name, t);
    if (created) *created = true;
    return t;
}

std::shared_ptr<topic> registry::find_topic(const std::string& name) const {
    std::lock_guard lock(mu_);
    auto it = topics_.find(name);
    return it == topics_.end() ? nullptr : it->second;
}

bool registry::delete_topic(const std::string& name) {
    std::shared_ptr<topic> t;
    {
        std::lock_guard lock(mu_);
        auto it = topics_.find(name);
        if (it == topics_.end()) return false;
        t = std::move(it->second);
        topics_.erase(it);
    }
    t->close();
    return true;
}

bool registry::delete_if_unused_ephemeral(const std::shared_ptr<topic>& t) {
    if (!t->ephemeral()) return false;
    {
        std::lock_guard lock(mu_);
        auto it = topics_.find(t->name());
        if (it == topics_.end() || it->second != t || t->channel_count() != 0) return false;
        topics_.erase(it);
    }
    t->close();
    return true;
}

std::vector<std::shared_ptr<topic>> registry::topics() const {
    std::lock_guard lock(mu_);
    std::vector<std::shared_ptr<topic>> out;
    out.reserve(topics_.size());
    for (const auto& [name, t] : topics_) out.push_back(t);
    return out;
}

size_t registry::scan(steady_time now) {
    size_t busy = 0;
    for (const auto& t : topics()) {
        if (t->has_backlog()) t->pump();
        t->sync_backends(now);
        for (const auto& ch : t->channels()) {
            bool a = ch->process_timeouts(now);
            bool b = ch->process_deferred(now);
            if (a || b) ++busy;
        }
    }
    return busy;
}

void registry::close_all() {
    std::map<std::string, std::shared_ptr<topic>> topics;
    {
        std::lock_guard lock(mu_);
        closing_ = true;
        topics.swap(topics_);
    }
    for (auto& [name, t] : topics) t->flush_and_close();
}

}  // namespace nsqpp::broker
