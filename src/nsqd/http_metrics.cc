#include "nsqd/http_metrics.h"

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "metrics/process.h"

namespace nsqpp::nsqd {
namespace {

using metrics::exposition;
using metrics::family;
using metrics::label;
using metrics::metric_type;

constexpr double ns_per_second = 1e9;

// The families nsqd writes, declared once per scrape.
struct topic_families {
    family& depth;
    family& backend_depth;
    family& messages;
    family& message_bytes;
    family& paused;
    family& channels;
    family& e2e;
};

struct channel_families {
    family& depth;
    family& backend_depth;
    family& in_flight;
    family& deferred;
    family& messages;
    family& requeues;
    family& timeouts;
    family& clients;
    family& paused;
    family& e2e;
};

struct client_families {
    family& ready;
    family& in_flight;
    family& messages;
    family& finishes;
    family& requeues;
    family& connect_time;
};

topic_families declare_topic(exposition& e) {
    auto g = metric_type::gauge;
    auto c = metric_type::counter;
    return {
        e.add_family("nsq_topic_depth", g, "Messages queued in the topic (memory + backend)."),
        e.add_family("nsq_topic_backend_depth", g, "Messages queued in the topic's disk queue."),
        e.add_family("nsq_topic_messages_total", c, "Messages published to the topic."),
        e.add_family("nsq_topic_message_bytes_total", c,
                     "Bytes of message bodies published to the topic."),
        e.add_family("nsq_topic_paused", g, "1 when the topic is paused, else 0."),
        e.add_family("nsq_topic_channels", g, "Channels of the topic."),
        e.add_family("nsq_topic_e2e_processing_latency_seconds", metric_type::summary,
                     "End-to-end processing latency of the topic's messages (publish to FIN)."),
    };
}

channel_families declare_channel(exposition& e) {
    auto g = metric_type::gauge;
    auto c = metric_type::counter;
    return {
        e.add_family("nsq_channel_depth", g, "Messages queued in the channel (memory + backend)."),
        e.add_family("nsq_channel_backend_depth", g,
                     "Messages queued in the channel's disk queue."),
        e.add_family("nsq_channel_in_flight", g, "Messages delivered and not yet finished."),
        e.add_family("nsq_channel_deferred", g, "Deferred messages waiting for their time."),
        e.add_family("nsq_channel_messages_total", c, "Messages the channel received."),
        e.add_family("nsq_channel_requeues_total", c, "Messages requeued by consumers."),
        e.add_family("nsq_channel_timeouts_total", c, "In-flight messages that timed out."),
        e.add_family("nsq_channel_clients", g, "Consumers subscribed to the channel."),
        e.add_family("nsq_channel_paused", g, "1 when the channel is paused, else 0."),
        e.add_family("nsq_channel_e2e_processing_latency_seconds", metric_type::summary,
                     "End-to-end processing latency of the channel's messages (publish to FIN)."),
    };
}

client_families declare_client(exposition& e) {
    auto g = metric_type::gauge;
    auto c = metric_type::counter;
    return {
        e.add_family("nsq_client_ready", g, "The consumer's RDY count."),
        e.add_family("nsq_client_in_flight", g, "Messages in flight to the consumer."),
        e.add_family("nsq_client_messages_total", c, "Messages delivered to the consumer."),
        e.add_family("nsq_client_finishes_total", c, "Messages the consumer finished."),
        e.add_family("nsq_client_requeues_total", c, "Messages the consumer requeued."),
        e.add_family("nsq_client_connect_time_seconds", g, "Unix time the consumer connected."),
    };
}

// Quantiles as (q, seconds); only _count when the percentiles are not known.
void add_e2e(family& f, std::span<const label> labels, const e2e_latency_stats& s) {
    std::vector<metrics::quantile> q;
    if (s.percentiles) {
        q.reserve(s.percentiles->size());
        for (const auto& [quantile, ns] : *s.percentiles)
            q.emplace_back(quantile, ns / ns_per_second);
    }
    f.add_summary(labels, q, std::nullopt, s.count);
}

void add_clients(client_families& f, const std::string& topic, const channel_stats& ch) {
    if (!ch.clients) return;
    for (const client_stats& c : *ch.clients) {
        const label l[] = {{"topic", topic},
                           {"channel", ch.channel_name},
                           {"client_id", c.client_id},
                           {"hostname", c.hostname},
                           {"remote_address", c.remote_address}};
        f.ready.add(l, c.ready_count);
        f.in_flight.add(l, c.in_flight_count);
        f.messages.add(l, c.message_count);
        f.finishes.add(l, c.finish_count);
        f.requeues.add(l, c.requeue_count);
        f.connect_time.add(l, c.connect_ts);
    }
}

// The journal counters of --durability=fsync.
void add_durable(exposition& e, const durable_stats& d) {
    e.add_family("nsqpp_durable_corruptions", metric_type::gauge,
                 "Damaged log regions found by the last recovery (--durability=fsync).")
        .add({}, d.corruptions);
    e.add_family("nsqpp_durable_lost_records", metric_type::gauge,
                 "Synced log records the last recovery could not read.")
        .add({}, d.lost_records);
    e.add_family("nsqpp_durable_committed_lsn", metric_type::gauge,
                 "Log sequence number durable on disk.")
        .add({}, d.committed_lsn);
    e.add_family("nsqpp_durable_segments", metric_type::gauge, "Log segment files.")
        .add({}, d.segments);
    e.add_family("nsqpp_durable_disk_bytes", metric_type::gauge, "Bytes in log segments.")
        .add({}, d.disk_bytes);
    e.add_family("nsqpp_durable_checkpoints_total", metric_type::counter,
                 "Checkpoints written (log reclamation).")
        .add({}, d.checkpoints);
}

// Capacity hints: one sample per topic / per channel in each family.
void reserve(topic_families& tf, channel_families& cf, const std::vector<topic_stats>& topics) {
    size_t channel_count = 0;
    for (const topic_stats& t : topics) channel_count += t.channels.size();
    for (family* f : {&tf.depth, &tf.backend_depth, &tf.messages, &tf.message_bytes, &tf.paused,
                      &tf.channels, &tf.e2e}) {
        f->reserve(topics.size());
    }
    for (family* f : {&cf.depth, &cf.backend_depth, &cf.in_flight, &cf.deferred, &cf.messages,
                      &cf.requeues, &cf.timeouts, &cf.clients, &cf.paused, &cf.e2e}) {
        f->reserve(channel_count, 48);
    }
}

}  // namespace

void add_nsqd_metrics(exposition& e, const nsqd_stats& s, bool per_client) {
    e.add_family("nsq_healthy", metric_type::gauge,
                 "1 when nsqd is healthy (its last disk write succeeded), else 0.")
        .add({}, s.health == "OK");
    if (s.durable) add_durable(e, *s.durable);  // --durability=fsync (src/durable)
    topic_families tf = declare_topic(e);
    channel_families cf = declare_channel(e);
    std::optional<client_families> clf;
    if (per_client) clf.emplace(declare_client(e));

    int64_t channel_total = 0;
    const std::vector<topic_stats> none;
    const auto& topics = s.topics ? *s.topics : none;
    reserve(tf, cf, topics);
    for (const topic_stats& t : topics) {
        const label tl[] = {{"topic", t.topic_name}};
        tf.depth.add(tl, t.depth);
        tf.backend_depth.add(tl, t.backend_depth);
        tf.messages.add(tl, t.message_count);
        tf.message_bytes.add(tl, t.message_bytes);
        tf.paused.add(tl, t.paused);
        tf.channels.add(tl, t.channels.size());
        add_e2e(tf.e2e, tl, t.e2e_processing_latency);
        channel_total += static_cast<int64_t>(t.channels.size());
        for (const channel_stats& c : t.channels) {
            const label cl[] = {{"topic", t.topic_name}, {"channel", c.channel_name}};
            cf.depth.add(cl, c.depth);
            cf.backend_depth.add(cl, c.backend_depth);
            cf.in_flight.add(cl, c.in_flight_count);
            cf.deferred.add(cl, c.deferred_count);
            cf.messages.add(cl, c.message_count);
            cf.requeues.add(cl, c.requeue_count);
            cf.timeouts.add(cl, c.timeout_count);
            cf.clients.add(cl, c.client_count);
            cf.paused.add(cl, c.paused);
            add_e2e(cf.e2e, cl, c.e2e_processing_latency);
            if (clf) add_clients(*clf, t.topic_name, c);
        }
    }
    e.add_family("nsq_topics", metric_type::gauge, "Topics on this nsqd.").add({}, topics.size());
    e.add_family("nsq_channels", metric_type::gauge, "Channels on this nsqd.")
        .add({}, channel_total);
}

http::response handle_metrics(context& ctx, const http::request&) {
    if (!ctx.collect_stats) {
        ctx.log->error("/metrics: no stats collector installed");
        return http::response::error(500, "INTERNAL_ERROR");
    }
    stats_filter filter;
    filter.include_clients = ctx.opts.metrics_per_client;
    filter.include_mem = false;
    nsqd_stats s = ctx.collect_stats(filter);
    std::string health = ctx.health();
    s.health = health.empty() ? "OK" : "NOK - " + health;

    exposition e;
    add_nsqd_metrics(e, s, ctx.opts.metrics_per_client);
    metrics::add_process_metrics(e, metrics::read_process_stats());
    metrics::add_build_info(e, nsq_version);
    http::response res = http::response::plain(200, e.render());
    res.set_header("Content-Type", std::string(metrics::content_type));
    return res;
}

}  // namespace nsqpp::nsqd
