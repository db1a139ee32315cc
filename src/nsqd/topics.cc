#include "nsqd/topics.h"

#include "wire/names.h"

namespace nsqpp::nsqd {

namespace {
void persist(context& ctx) {
    if (ctx.persist_metadata) ctx.persist_metadata();
}
void announce(context& ctx, const std::string& topic, const std::string& channel, bool add) {
    if (ctx.lookupd_register) ctx.lookupd_register(topic, channel, add);
}
}  // namespace

std::shared_ptr<broker::topic> ensure_topic(context& ctx, const std::string& name, bool* created) {
    bool is_new = false;
    // With lookupds, a new topic holds its messages until the channels known elsewhere in the
    // cluster exist (§4.2), even those published meanwhile by other connections.
    const bool precreate = static_cast<bool>(ctx.lookupd_channels);
    auto t = ctx.topics.get_topic(name, &is_new, !precreate);
    if (created) *created = is_new;
    if (t && is_new) {
        ctx.log->info("TOPIC({}): created", name);
        announce(ctx, name, "", true);
        if (precreate) {
            for (const auto& ch : ctx.lookupd_channels(name)) {
                if (!wire::is_ephemeral(ch) && wire::is_valid_channel_name(ch)) {
                    ensure_channel(ctx, *t, ch);
                }
            }
            t->start();
        }
        if (!t->ephemeral()) persist(ctx);
    }
    return t;
}

std::shared_ptr<broker::channel> ensure_channel(context& ctx, broker::topic& t,
                                                const std::string& name, bool* created) {
    bool is_new = false;
    auto ch = t.get_channel(name, &is_new);
    if (created) *created = is_new;
    if (is_new) {
        ctx.log->info("TOPIC({}): new channel({})", t.name(), name);
        announce(ctx, t.name(), name, true);
        if (!t.ephemeral() && !wire::is_ephemeral(name)) persist(ctx);
    }
    return ch;
}

bool remove_topic(context& ctx, const std::string& name) {
    auto t = ctx.topics.find_topic(name);
    if (!t || !ctx.topics.delete_topic(name)) return false;
    ctx.log->info("TOPIC({}): deleting", name);
    announce(ctx, name, "", false);
    for (const auto& ch : t->channels()) announce(ctx, name, ch->name(), false);
    if (!t->ephemeral()) persist(ctx);
    return true;
}

bool remove_channel(context& ctx, const std::shared_ptr<broker::topic>& t,
                    const std::string& name) {
    if (!t->delete_channel(name)) return false;
    ctx.log->info("TOPIC({}): deleting channel {}", t->name(), name);
    announce(ctx, t->name(), name, false);
    // An ephemeral topic goes with its last channel (§4.3).
    if (ctx.topics.delete_if_unused_ephemeral(t)) announce(ctx, t->name(), "", false);
    if (!t->ephemeral() && !wire::is_ephemeral(name)) persist(ctx);
    return true;
}

}  // namespace nsqpp::nsqd
