#pragma once
// nsqadmin's /api handlers (spec/nsqadmin.md §5, §6), registered by http_api.cc.
#include <boost/json/object.hpp>
#include <string>

#include "http/request.h"
#include "nsqadmin/context.h"

namespace nsqpp::nsqadmin {

// 200 JSON `o` with "message" appended last.
http::response json_with_message(boost::json::object o, const std::string& message);
int64_t unix_now();

// Read API (§5) and the history extension.
http::response get_topics(context& ctx, const http::request& req);
http::response get_topic(context& ctx, const http::request& req);
http::response get_channel(context& ctx, const http::request& req);
http::response get_nodes(context& ctx, const http::request& req);
http::response get_node(context& ctx, const http::request& req);
http::response get_counter(context& ctx, const http::request& req);
http::response get_graphite(context& ctx, const http::request& req);
http::response get_history(context& ctx, const http::request& req);
// GET /render with --proxy-graphite: graphite's /render, reverse-proxied (spec §9.1).
http::response proxy_graphite(context& ctx, const http::request& req);

// Write API (§6); each checks is_admin first.
http::response create_topic_channel(context& ctx, const http::request& req);
http::response topic_action(context& ctx, const http::request& req);
http::response channel_action(context& ctx, const http::request& req);
http::response delete_topic(context& ctx, const http::request& req);
http::response delete_channel(context& ctx, const http::request& req);
http::response tombstone_topic_producer(context& ctx, const http::request& req);

}  // namespace nsqpp::nsqadmin
