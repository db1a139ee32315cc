#pragma once
// POST /topic/{create,delete,empty,pause,unpause} and /channel/{...} (spec §6.7, §4.7): the
// checks, status codes and messages of nsqd 1.3.0, then the broker call. nsqd.dat is rewritten
// through ctx.persist_metadata after a non-ephemeral create/delete and after every (un)pause.
#include "http/request.h"
#include "nsqd/context.h"

namespace nsqpp::nsqd {

// Topic endpoints: 400 INVALID_REQUEST / MISSING_ARG_TOPIC / INVALID_TOPIC (create and empty
// only: delete and (un)pause do not validate the name), 404 TOPIC_NOT_FOUND, 500 INTERNAL_ERROR
// (empty/(un)pause of a topic that is being deleted).
http::response topic_create(context& ctx, const http::request& req);
http::response topic_delete(context& ctx, const http::request& req);
http::response topic_empty(context& ctx, const http::request& req);
http::response topic_pause(context& ctx, const http::request& req);
http::response topic_unpause(context& ctx, const http::request& req);

// Channel endpoints: 400 INVALID_REQUEST / MISSING_ARG_TOPIC / INVALID_ARG_TOPIC /
// MISSING_ARG_CHANNEL / INVALID_ARG_CHANNEL, 404 TOPIC_NOT_FOUND (the topic must exist, also for
// create), then 404 CHANNEL_NOT_FOUND (all but create), 500 INTERNAL_ERROR (empty of a channel
// being deleted). Deleting the last channel of an ephemeral topic deletes the topic.
http::response channel_create(context& ctx, const http::request& req);
http::response channel_delete(context& ctx, const http::request& req);
http::response channel_empty(context& ctx, const http::request& req);
http::response channel_pause(context& ctx, const http::request& req);
http::response channel_unpause(context& ctx, const http::request& req);

}  // namespace nsqpp::nsqd
