#pragma once
// The protocol state of one V2 client connection (no socket: see client_connection.h).
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "broker/consumer.h"
#include "broker/registry.h"

namespace nsqpp::nsqd {

enum class client_state : int {
    init = 0,
    disconnected = 1,
    connected = 2,
    subscribed = 3,
    closing = 4
};

struct auth_state;  // nsqd/auth.h

// The part of a client that /stats reads from other threads (copied under `client_v2::info_mu`
// when it changes: IDENTIFY, SUB, RDY, CLS, publishes, deliveries).
struct client_info {
    std::string client_id;
    std::string hostname;
    std::string user_agent;
    std::string topic;  // subscription
    std::string channel;
    int state = 0;
    int64_t ready_count = 0;
    int64_t sample_rate = 0;
    uint64_t message_count = 0;  // messages sent (deliveries)
    std::vector<std::pair<std::string, uint64_t>> pub_counts;
    // AUTH (set when the auth server answers)
    bool authed = false;  // has authorizations
    std::string auth_identity;
    std::string auth_identity_url;
    // transport (after the IDENTIFY upgrades)
    bool tls = false;
    bool snappy = false;
    bool deflate = false;
    std::string tls_version;       // "TLS1.2", ...
    std::string tls_cipher_suite;  // Go's name, see net/tls.h
};

struct client_v2 {
    uint64_t id = 0;
    broker::consumer* self = nullptr;  // registered with the channel on SUB
    std::string remote_address;        // "ip:port"
    client_state state = client_state::init;

    // IDENTIFY
    bool identified = false;
    std::string client_id;
    std::string hostname;
    std::string user_agent;
    std::chrono::nanoseconds heartbeat_interval{0};  // 0 = disabled
    std::chrono::nanoseconds msg_timeout{0};
    int64_t output_buffer_size = 16384;
    std::chrono::nanoseconds output_buffer_timeout{0};
    int64_t sample_rate = 0;
    bool heartbeat_changed = false;  // the writer restarts its heartbeat timer
    // What the delivery loop uses: fixed by the first IDENTIFY (later ones only update the
    // stored values above, as NSQ does).
    std::chrono::nanoseconds pump_msg_timeout{0};
    int64_t pump_sample_rate = 0;

    // subscription
    std::shared_ptr<broker::topic> sub_topic;
    std::shared_ptr<broker::channel> sub_channel;
    int64_t ready_count = 0;
    bool delivery_changed = false;  // RDY/FIN/REQ made room: the writer should try to take

    // publishing: the last topic published to, to skip the registry lookup
    std::shared_ptr<broker::topic> pub_topic;

    // transport features negotiated by IDENTIFY (client_connection performs the upgrades)
    bool tls = false;             // the connection is TLS (tls_v1 upgrade done)
    std::string tls_common_name;  // CN of the verified client certificate, if any
    bool snappy = false;
    bool deflate = false;
    int deflate_level = 0;
    // Negotiated by the last IDENTIFY with feature_negotiation; while `upgrade_pending` the
    // protocol reads no further command (client_connection upgrades the stream, then clears it).
    struct upgrade_t {
        bool tls = false;
        bool snappy = false;
        bool deflate = false;
        int64_t deflate_level = 0;
    } upgrade;
    bool upgrade_pending = false;

    // AUTH (auth.h, auth_query.h): a handler that needs the auth server sets `auth_pending`
    // (and stops the input loop); the connection then runs run_pending_auth.
    bool auth_pending = false;
    bool auth_command = false;  // the pending query answers AUTH (else: a TTL re-query)
    std::string auth_secret;    // the AUTH body, kept for re-queries
    std::shared_ptr<const auth_state> auth;  // the last answer (nullptr before AUTH)

    // output: frames waiting for the writer; set `close_after_flush` on a fatal error
    std::string out;
    // Durable mode: an OK frame at `offset` in `out` answers a publish that is acknowledged only
    // once the journal commits `ticket`; the writer writes `out` up to the first such barrier.
    struct commit_barrier {
        size_t offset;
        uint64_t ticket;
    };
    std::deque<commit_barrier> barriers;
    bool close_after_flush = false;
    // the input parser needs at least this many bytes before it can make progress
    size_t need_bytes = 0;
    // the peer closed its side: an incomplete body is answered with NSQ's "failed to read" error
    bool input_closed = false;

    uint64_t message_count = 0;

    mutable std::mutex info_mu;
    client_info info;
    int64_t connect_ts = 0;  // unix seconds
    // Copies the identity, state and RDY into `info`.
    void publish_info() {
        std::lock_guard lock(info_mu);
        info.client_id = client_id;
        info.hostname = hostname;
        info.user_agent = user_agent;
        info.state = static_cast<int>(state);
        info.ready_count = ready_count;
        info.sample_rate = sample_rate;
    }
    void count_published(const std::string& topic, uint64_t n) {
        std::lock_guard lock(info_mu);
        for (auto& [name, count] : info.pub_counts) {
            if (name == topic) {
                count += n;
                return;
            }
        }
        info.pub_counts.emplace_back(topic, n);
    }
    void count_delivered(uint64_t n) {
        std::lock_guard lock(info_mu);
        info.message_count += n;
    }
};

}  // namespace nsqpp::nsqd
