#pragma once
// The one path by which TCP and HTTP create topics and channels: a new non-ephemeral one is
// written to nsqd.dat (and, with the lookupd issue, registered with nsqlookupd).
#include <memory>
#include <string>

#include "nsqd/context.h"

namespace nsqpp::nsqd {

// The topic, created when missing; nullptr while nsqd shuts down.
std::shared_ptr<broker::topic> ensure_topic(context& ctx, const std::string& name,
                                            bool* created = nullptr);
// The channel of `t`, created when missing.
std::shared_ptr<broker::channel> ensure_channel(context& ctx, broker::topic& t,
                                                const std::string& name, bool* created = nullptr);

// Deletes a topic and its channels (unregisters them, rewrites nsqd.dat); false if missing.
bool remove_topic(context& ctx, const std::string& name);
// Deletes a channel; an ephemeral topic left without channels goes too. False if missing.
bool remove_channel(context& ctx, const std::shared_ptr<broker::topic>& t, const std::string& name);

}  // namespace nsqpp::nsqd
