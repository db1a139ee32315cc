#include "nsqlookupd/http_metrics.h"

#include <fmt/format.h>

#include <map>
#include <string>
#include <vector>

#include "metrics/process.h"

namespace nsqpp::nsqlookupd {
namespace {

using metrics::label;
using metrics::metric_type;

struct topic_counts {
    int64_t producers = 0;   // active (as /lookup lists them)
    int64_t tombstones = 0;  // tombstoned within --tombstone-lifetime
    int64_t channels = 0;
};

}  // namespace

void add_lookupd_metrics(metrics::exposition& e, const context& ctx) {
    const unix_nanos now = ctx.now();
    const int64_t inactive = ctx.inactive_timeout_ns();
    const int64_t lifetime = ctx.tombstone_lifetime_ns();
    std::map<std::string, topic_counts> topics;  // sorted by name
    std::vector<producer> nodes;
    int64_t channel_total = 0;
    int64_t tombstone_total = 0;
    for (const auto& [key, producers] : ctx.db.dump()) {
        if (key.category == category_client) {
            nodes.insert(nodes.end(), producers.begin(), producers.end());
        } else if (key.category == category_topic) {
            topic_counts& t = topics[key.key];
            for (const producer& p : producers) {
                if (p.is_active(now, inactive, lifetime)) ++t.producers;
                if (p.is_tombstoned(now, lifetime)) ++t.tombstones;
            }
            tombstone_total += t.tombstones;
        } else if (key.category == category_channel) {
            ++topics[key.key].channels;
            ++channel_total;
        }
    }

    auto g = metric_type::gauge;
    int64_t active_nodes = 0;
    auto& last_update = e.add_family("nsq_lookupd_producer_last_update_timestamp_seconds", g,
                                     "Unix time of the producer's last IDENTIFY or PING.");
    for (const producer& p : nodes) {
        const peer_info& i = *p.peer;
        if (p.is_active(now, inactive, 0)) ++active_nodes;
        std::string node = fmt::format("{}:{}", i.broadcast_address, i.http_port);
        const label l[] = {{"node", node},
                           {"remote_address", i.remote_address},
                           {"hostname", i.hostname},
                           {"version", i.version}};
        last_update.add(l, static_cast<double>(i.last_update.load()) / 1e9);
    }
    e.add_family("nsq_lookupd_producers", g, "nsqd instances registered (connected).")
        .add({}, nodes.size());
    e.add_family("nsq_lookupd_active_producers", g,
                 "Registered nsqd instances seen within --inactive-producer-timeout.")
        .add({}, active_nodes);
    e.add_family("nsq_lookupd_topics", g, "Topics registered.").add({}, topics.size());
    e.add_family("nsq_lookupd_channels", g, "Channels registered.").add({}, channel_total);
    e.add_family("nsq_lookupd_tombstones", g,
                 "Topic producers tombstoned within --tombstone-lifetime.")
        .add({}, tombstone_total);

    auto& tp = e.add_family("nsq_lookupd_topic_producers", g,
                            "Active, not tombstoned producers of the topic (as /lookup lists).");
    auto& tt = e.add_family("nsq_lookupd_topic_tombstones", g,
                            "Producers of the topic tombstoned within --tombstone-lifetime.");
    auto& tc = e.add_family("nsq_lookupd_topic_channels", g, "Channels registered for the topic.");
    for (const auto& [name, t] : topics) {
        const label l[] = {{"topic", name}};
        tp.add(l, t.producers);
        tt.add(l, t.tombstones);
        tc.add(l, t.channels);
    }
}

http::response handle_metrics(const context& ctx) {
    metrics::exposition e;
    add_lookupd_metrics(e, ctx);
    metrics::add_process_metrics(e, metrics::read_process_stats());
    metrics::add_build_info(e, nsq_version);
    http::response res = http::response::plain(200, e.render());
    res.set_header("Content-Type", std::string(metrics::content_type));
    return res;
}

}  // namespace nsqpp::nsqlookupd
