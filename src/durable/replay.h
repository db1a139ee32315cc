#pragma once
// Rebuilds what every durable topic and channel held from the journal's records, in log order:
// publishes fan out to the channels known at that point (or are held by a topic without
// channels), deliveries carry attempts, FINs remove, REQs set attempts and due times, and a
// checkpoint's snapshot replaces what came before it.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "broker/journal.h"

namespace nsqpp::durable {

struct recovered_channel {
    std::map<broker::message_id, broker::journal_entry> messages;  // by ID: publish order
};

struct recovered_topic {
    std::map<broker::message_id, broker::journal_entry> held;  // no channel yet
    std::map<std::string, recovered_channel> channels;
};

class replayer {
  public:
    // Applies one record; false (and counted in bad_records()) when it cannot be decoded.
    bool apply(std::string_view payload);
    std::map<std::string, recovered_topic>& topics() { return topics_; }
    uint64_t bad_records() const { return bad_; }
    size_t message_count() const;

  private:
    bool apply_publish(std::string_view payload);
    bool apply_snapshot(std::string_view payload);
    bool apply_channel_op(uint8_t type, std::string_view payload);
    bool apply_event(std::string_view payload);

    std::map<std::string, recovered_topic> topics_;
    uint64_t bad_ = 0;
};

}  // namespace nsqpp::durable
