#include "nsqd/stats_collector.h"

#include <unistd.h>

#include <fstream>
#include <map>

namespace nsqpp::nsqd {
namespace {

using snapshot = client_connection::snapshot_t;

client_stats client_view(const snapshot& s) {
    client_stats c;
    c.client_id = s.info.client_id;
    c.hostname = s.info.hostname;
    c.remote_address = s.remote_address;
    c.state = s.info.state;
    c.ready_count = s.info.ready_count;
    c.message_count = s.info.message_count;
    c.connect_ts = s.connect_ts;
    c.sample_rate = s.info.sample_rate;
    c.user_agent = s.info.user_agent;
    c.authed = s.info.authed;
    c.auth_identity = s.info.auth_identity;
    c.auth_identity_url = s.info.auth_identity_url;
    c.tls = s.info.tls;
    c.snappy = s.info.snappy;
    c.deflate = s.info.deflate;
    c.tls_version = s.info.tls_version;
    c.tls_cipher_suite = s.info.tls_cipher_suite;
    return c;
}

// e2e latency (spec §10.2): null without percentiles configured (or `samples`); else one entry
// per quantile, 0 until there are samples.
e2e_latency_stats e2e_view(const context& ctx,
                           const std::vector<broker::quantile_sample>* samples) {
    const auto& cfg = ctx.topics.config().e2e;
    if (!cfg || !samples) return {0, std::nullopt};
    auto r = broker::query_quantiles(*cfg, *samples);
    return {r.count, std::move(r.percentiles)};
}

// NSQ 1.3.0 reports at most one pub_counts entry: the filtered topic's, else any one.
std::vector<std::pair<std::string, uint64_t>> pub_counts_view(const snapshot& s,
                                                              const stats_filter& filter) {
    for (const auto& pc : s.info.pub_counts) {
        if (!filter.topic || pc.first == *filter.topic) return {pc};
    }
    return {};
}

memory_stats process_memory() {
    memory_stats m;
    long pages = 0;
    long resident = 0;
    std::ifstream statm("/proc/self/statm");
    if (statm >> pages >> resident) {
        m.heap_in_use_bytes = resident * sysconf(_SC_PAGESIZE);
    }
    return m;
}

channel_stats channel_view(const context& ctx, const broker::channel& ch,
                           const std::vector<broker::quantile_sample>* e2e_samples,
                           const std::vector<const snapshot*>& subs, const stats_filter& filter) {
    auto s = ch.stats();
    channel_stats c;
    c.channel_name = s.name;
    c.depth = static_cast<int64_t>(s.depth);
    c.backend_depth = s.backend_depth;
    c.in_flight_count = static_cast<int64_t>(s.in_flight_count);
    c.deferred_count = static_cast<int64_t>(s.deferred_count);
    c.message_count = s.message_count;
    c.requeue_count = s.requeue_count;
    c.timeout_count = s.timeout_count;
    c.client_count = static_cast<int64_t>(subs.size());
    c.paused = s.paused;
    c.e2e_processing_latency = e2e_view(ctx, e2e_samples);
    if (filter.include_clients) {
        c.clients.emplace();
        for (const auto* sub : subs) {
            client_stats cs = client_view(*sub);
            auto counts = ch.counts_for(sub->id);
            cs.in_flight_count = counts.in_flight;
            cs.finish_count = counts.finish_count;
            cs.requeue_count = counts.requeue_count;
            cs.pub_counts = pub_counts_view(*sub, filter);
            c.clients->push_back(std::move(cs));
        }
    }
    return c;
}

}  // namespace

nsqd_stats collect_stats(const context& ctx, const std::vector<snapshot>& clients,
                         const stats_filter& filter) {
    nsqd_stats out;
    out.version = nsq_version;
    std::string health = ctx.health();
    out.health = health.empty() ? "OK" : "NOK - " + health;
    out.start_time = ctx.start_time;
    if (const auto& j = ctx.topics.get_journal()) {
        auto c = j->counters();
        out.durable = durable_stats{c.corruptions, c.lost_records, c.committed,
                                    c.segments,    c.disk_bytes,   c.checkpoints};
    }

    // consumers by (topic, channel)
    std::map<std::pair<std::string, std::string>, std::vector<const snapshot*>> subscribers;
    for (const auto& c : clients) {
        if (!c.info.topic.empty()) subscribers[{c.info.topic, c.info.channel}].push_back(&c);
    }

    out.topics.emplace();
    bool topic_found = !filter.topic;
    for (const auto& t : ctx.topics.topics()) {  // sorted by name
        if (filter.topic && t->name() != *filter.topic) continue;
        topic_found = true;
        auto ts = t->stats();
        topic_stats view;
        view.topic_name = ts.name;
        view.depth = static_cast<int64_t>(ts.depth);
        view.backend_depth = ts.backend_depth;
        view.message_count = ts.message_count;
        view.message_bytes = ts.message_bytes;
        view.paused = ts.paused;
        std::vector<broker::quantile_sample> topic_e2e;  // every channel's, filter or not
        bool topic_e2e_on = false;
        for (const auto& ch : t->channels()) {  // sorted by name
            std::vector<broker::quantile_sample> e2e;
            const bool e2e_on = ch->e2e_samples(e2e);
            topic_e2e.insert(topic_e2e.end(), e2e.begin(), e2e.end());
            topic_e2e_on = topic_e2e_on || e2e_on;
            if (filter.channel && ch->name() != *filter.channel) continue;
            auto it = subscribers.find({t->name(), ch->name()});
            static const std::vector<const snapshot*> none;
            view.channels.push_back(channel_view(ctx, *ch, e2e_on ? &e2e : nullptr,
                                                 it == subscribers.end() ? none : it->second,
                                                 filter));
        }
        view.e2e_processing_latency = e2e_view(ctx, topic_e2e_on ? &topic_e2e : nullptr);
        if (filter.channel && view.channels.empty()) continue;
        out.topics->push_back(std::move(view));
    }
    if (filter.include_mem) out.memory = process_memory();
    if (!topic_found) {  // NSQ returns before collecting producers
        out.topics.reset();
        return out;
    }

    if (filter.include_clients) {
        std::vector<client_stats> producers;
        for (const auto& c : clients) {
            if (c.info.pub_counts.empty()) continue;
            client_stats cs = client_view(c);
            cs.pub_counts = pub_counts_view(c, filter);
            producers.push_back(std::move(cs));
        }
        if (!producers.empty()) out.producers = std::move(producers);
    }
    return out;
}

}  // namespace nsqpp::nsqd
