#pragma once
// nsqd.dat (spec §4.10): the non-ephemeral topics and channels with their paused flags.
#include <optional>
#include <string>
#include <vector>

#include "broker/registry.h"

namespace nsqpp::nsqd {

struct channel_meta {
    std::string name;
    bool paused = false;
};
struct topic_meta {
    std::string name;
    bool paused = false;
    std::vector<channel_meta> channels;
};

// The registry's non-ephemeral topics/channels in NSQ's compact JSON (keys in NSQ's order).
std::string metadata_json(const std::vector<topic_meta>& topics);
std::vector<topic_meta> snapshot_metadata(const broker::registry& topics);

// Parses nsqd.dat. Throws std::runtime_error with the parse error on invalid content.
std::vector<topic_meta> parse_metadata(std::string_view json);

// Reads <data_path>/nsqd.dat: empty when missing; throws std::runtime_error
// "failed to parse metadata in <file> - <err>" when unparsable.
std::vector<topic_meta> load_metadata(const std::string& data_path);

// Writes nsqd.dat atomically: nsqd.dat.<random>.tmp (0600), fsync, rename, fsync the directory.
// Returns "" or the error text.
std::string save_metadata(const std::string& data_path, const std::vector<topic_meta>& topics);

}  // namespace nsqpp::nsqd
