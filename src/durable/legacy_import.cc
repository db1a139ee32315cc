#include "durable/legacy_import.h"

#include <sys/stat.h>

namespace nsqpp::durable {
namespace {

std::unique_ptr<broker::backend> open_if_present(const broker::disk_backend_config& cfg,
                                                 const std::string& name) {
    struct stat st {};
    std::string meta = cfg.data_path + "/" + name + ".diskqueue.meta.dat";
    if (::stat(meta.c_str(), &st) != 0) return nullptr;
    return broker::make_disk_backend(cfg, name);
}

std::vector<broker::journal_entry> read_all(broker::backend& b) {
    std::vector<broker::journal_entry> out;
    while (b.has_data()) {
        auto m = b.read();
        if (!m) break;
        out.push_back({std::move(m->msg), m->attempts, 0});
    }
    return out;
}

}  // namespace

std::vector<std::unique_ptr<broker::backend>> import_disk_queues(
    const std::vector<std::shared_ptr<broker::topic>>& topics,
    const broker::disk_backend_config& cfg, size_t& messages) {
    std::vector<std::unique_ptr<broker::backend>> opened;
    messages = 0;
    for (const auto& t : topics) {
        if (auto b = open_if_present(cfg, t->name())) {
            auto entries = read_all(*b);
            messages += entries.size();
            t->restore_held(entries);
            opened.push_back(std::move(b));
        }
        for (const auto& ch : t->channels()) {
            if (auto b = open_if_present(cfg, t->name() + ":" + ch->name())) {
                auto entries = read_all(*b);
                messages += entries.size();
                ch->restore(entries);
                opened.push_back(std::move(b));
            }
        }
    }
    return opened;
}

}  // namespace nsqpp::durable
