#include "durable/replay.h"

#include "durable/payload.h"

namespace nsqpp::durable {
namespace {
using broker::journal_entry;
using broker::journal_event;
using broker::message;

broker::message_ptr make_message(uint64_t id, int64_t ts, std::string_view body) {
    auto m = message::create(body, ts);
    m->assign(id, ts);
    return m;
}
}  // namespace

bool replayer::apply(std::string_view payload) {
    if (payload.empty()) {
        ++bad_;
        return false;
    }
    auto type = static_cast<uint8_t>(payload[0]);
    auto rest = payload.substr(1);
    bool ok = false;
    switch (static_cast<record_type>(type)) {
        case record_type::publish:
            ok = apply_publish(rest);
            break;
        case record_type::deliver:
        case record_type::finish:
        case record_type::requeue:
            ok = apply_channel_op(type, rest);
            break;
        case record_type::event:
            ok = apply_event(rest);
            break;
        case record_type::snapshot:
            ok = apply_snapshot(rest);
            break;
        case record_type::checkpoint_begin:
        case record_type::checkpoint_end:
            ok = true;
            break;
    }
    if (!ok) ++bad_;
    return ok;
}

bool replayer::apply_publish(std::string_view payload) {
    payload_reader r(payload);
    std::string topic(r.str());
    int64_t due = r.i64();
    uint32_t n = r.u32();
    if (r.failed()) return false;
    auto& t = topics_[topic];
    for (uint32_t i = 0; i < n; ++i) {
        uint64_t id = r.u64();
        int64_t ts = r.i64();
        auto body = r.bytes();
        if (r.failed()) return false;
        journal_entry e{make_message(id, ts, body), 0, due};
        if (t.channels.empty()) {
            t.held.emplace(id, e);
        } else {
            for (auto& [name, ch] : t.channels) ch.messages.emplace(id, e);
        }
    }
    return true;
}

bool replayer::apply_channel_op(uint8_t type, std::string_view payload) {
    payload_reader r(payload);
    std::string topic(r.str());
    std::string channel(r.str());
    if (r.failed()) return false;
    auto t = topics_.find(topic);
    recovered_channel* ch = nullptr;
    if (t != topics_.end()) {
        auto c = t->second.channels.find(channel);
        if (c != t->second.channels.end()) ch = &c->second;
    }
    switch (static_cast<record_type>(type)) {
        case record_type::deliver: {
            uint32_t n = r.u32();
            for (uint32_t i = 0; i < n && !r.failed(); ++i) {
                uint64_t id = r.u64();
                uint16_t attempts = r.u16();
                if (!ch || r.failed()) continue;
                if (auto it = ch->messages.find(id); it != ch->messages.end()) {
                    it->second.attempts = attempts;
                    it->second.due_ns = 0;
                }
            }
            break;
        }
        case record_type::finish: {
            uint64_t id = r.u64();
            if (ch && !r.failed()) ch->messages.erase(id);
            break;
        }
        default: {  // requeue
            uint64_t id = r.u64();
            uint16_t attempts = r.u16();
            int64_t due = r.i64();
            if (!ch || r.failed()) break;
            if (auto it = ch->messages.find(id); it != ch->messages.end()) {
                it->second.attempts = attempts;
                it->second.due_ns = due;
            }
        }
    }
    return !r.failed();
}

bool replayer::apply_event(std::string_view payload) {
    payload_reader r(payload);
    auto e = static_cast<journal_event>(r.u8());
    std::string topic(r.str());
    std::string channel(r.str());
    if (r.failed()) return false;
    switch (e) {
        case journal_event::channel_created: {
            auto& t = topics_[topic];
            if (t.channels.count(channel)) break;
            auto& ch = t.channels[channel];
            if (t.channels.size() == 1) {  // messages held for a first channel go to it
                ch.messages.swap(t.held);
            }
            break;
        }
        case journal_event::channel_deleted:
            if (auto t = topics_.find(topic); t != topics_.end()) t->second.channels.erase(channel);
            break;
        case journal_event::channel_emptied:
            if (auto t = topics_.find(topic); t != topics_.end()) {
                if (auto c = t->second.channels.find(channel); c != t->second.channels.end()) {
                    c->second.messages.clear();
                }
            }
            break;
        case journal_event::topic_deleted:
            topics_.erase(topic);
            break;
        case journal_event::topic_emptied:
            if (auto t = topics_.find(topic); t != topics_.end()) t->second.held.clear();
            break;
        default:
            return false;
    }
    return true;
}

bool replayer::apply_snapshot(std::string_view payload) {
    payload_reader r(payload);
    std::string topic(r.str());
    bool has_channel = r.u8() != 0;
    std::string channel(r.str());
    bool reset = r.u8() != 0;
    uint32_t n = r.u32();
    if (r.failed()) return false;
    auto& t = topics_[topic];
    // A checkpoint snapshots the topic first, then every channel it has: the topic's snapshot
    // also ends the channels earlier records knew (e.g. ephemeral ones).
    if (reset && !has_channel) t.channels.clear();
    auto& target = has_channel ? t.channels[channel].messages : t.held;
    if (reset) target.clear();
    for (uint32_t i = 0; i < n; ++i) {
        uint64_t id = r.u64();
        int64_t ts = r.i64();
        uint16_t attempts = r.u16();
        int64_t due = r.i64();
        auto body = r.bytes();
        if (r.failed()) return false;
        target.insert_or_assign(id, journal_entry{make_message(id, ts, body), attempts, due});
    }
    return true;
}

size_t replayer::message_count() const {
    size_t n = 0;
    for (const auto& [name, t] : topics_) {
        n += t.held.size();
        for (const auto& [cn, ch] : t.channels) n += ch.messages.size();
    }
    return n;
}

}  // namespace nsqpp::durable
