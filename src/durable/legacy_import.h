#pragma once
// Durable mode start-up: a data directory written by NSQ (or by nsqpp's default mode) holds
// go-diskqueue files. Their messages are moved into the (not yet started) topics and channels;
// once a checkpoint has made them durable in the journal, the disk queues are removed.
#include <memory>
#include <vector>

#include "broker/disk_backend.h"
#include "broker/topic.h"

namespace nsqpp::durable {

// Reads every "<name>.diskqueue.meta.dat" queue of `topics` and their channels into them.
// Returns the opened queues (to remove() after the checkpoint) and counts the messages.
std::vector<std::unique_ptr<broker::backend>> import_disk_queues(
    const std::vector<std::shared_ptr<broker::topic>>& topics,
    const broker::disk_backend_config& cfg, size_t& messages);

}  // namespace nsqpp::durable
