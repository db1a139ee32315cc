#include "nsqd/metadata.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "http/request.h"
#include "nsqd/context.h"
#include "wire/names.h"

namespace nsqpp::nsqd {
namespace {

std::string file_path(const std::string& data_path) {
    return (data_path.empty() ? std::string(".") : data_path) + "/nsqd.dat";
}

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

std::string metadata_json(const std::vector<topic_meta>& topics) {
    std::string out = "{\"topics\":";
    if (topics.empty()) {
        out += "null";
    } else {
        out += '[';
        for (size_t i = 0; i < topics.size(); ++i) {
            const auto& t = topics[i];
            if (i) out += ',';
            out += fmt::format(
                "{{\"name\":{},\"paused\":{},\"channels\":", http::json_quote(t.name), t.paused);
            if (t.channels.empty()) {
                out += "null";
            } else {
                out += '[';
                for (size_t j = 0; j < t.channels.size(); ++j) {
                    if (j) out += ',';
                    out += fmt::format("{{\"name\":{},\"paused\":{}}}",
                                       http::json_quote(t.channels[j].name), t.channels[j].paused);
                }
                out += ']';
            }
            out += '}';
        }
        out += ']';
    }
    out += fmt::format(",\"version\":\"{}\"}}", nsq_version);
    return out;
}

std::vector<topic_meta> snapshot_metadata(const broker::registry& topics) {
    std::vector<topic_meta> out;
    for (const auto& t : topics.topics()) {
        if (t->ephemeral() || t->exiting()) continue;
        topic_meta tm{t->name(), t->paused(), {}};
        for (const auto& ch : t->channels()) {
            if (ch->ephemeral() || ch->exiting()) continue;
            tm.channels.push_back({ch->name(), ch->paused()});
        }
        out.push_back(std::move(tm));
    }
    return out;
}

std::vector<topic_meta> parse_metadata(std::string_view json) {
    boost::system::error_code ec;
    auto v = boost::json::parse(json, ec);
    if (ec) throw std::runtime_error(ec.message());
    if (!v.is_object()) throw std::runtime_error("not a JSON object");
    std::vector<topic_meta> out;
    const auto* topics = v.as_object().if_contains("topics");
    if (!topics || topics->is_null()) return out;
    if (!topics->is_array()) throw std::runtime_error("topics is not an array");
    for (const auto& tv : topics->as_array()) {
        if (!tv.is_object()) throw std::runtime_error("topic is not an object");
        const auto& to = tv.as_object();
        topic_meta tm;
        if (const auto* n = to.if_contains("name"); n && n->is_string()) tm.name = n->as_string();
        if (const auto* p = to.if_contains("paused"); p && p->is_bool()) tm.paused = p->as_bool();
        if (const auto* chans = to.if_contains("channels"); chans && chans->is_array()) {
            for (const auto& cv : chans->as_array()) {
                if (!cv.is_object()) continue;
                channel_meta cm;
                const auto& co = cv.as_object();
                if (const auto* n = co.if_contains("name"); n && n->is_string()) {
                    cm.name = n->as_string();
                }
                if (const auto* p = co.if_contains("paused"); p && p->is_bool()) {
                    cm.paused = p->as_bool();
                }
                tm.channels.push_back(std::move(cm));
            }
        }
        out.push_back(std::move(tm));
    }
    return out;
}

std::vector<topic_meta> load_metadata(const std::string& data_path) {
    std::string path = file_path(data_path);
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    std::stringstream ss;
    ss << in.rdbuf();
    try {
        return parse_metadata(ss.str());
    } catch (const std::exception& e) {
        throw std::runtime_error("failed to parse metadata in " + path + " - " + e.what());
    }
}

std::string save_metadata(const std::string& data_path, const std::vector<topic_meta>& topics) {
    std::string path = file_path(data_path);
    std::string tmp = fmt::format("{}.{}.tmp", path, std::random_device{}());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return errno_text("open " + tmp);
    bool ok = write_all(fd, metadata_json(topics)) && ::fsync(fd) == 0;
    std::string err = ok ? "" : errno_text("write " + tmp);
    ::close(fd);
    if (!ok) {
        ::unlink(tmp.c_str());
        return err;
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        err = errno_text("rename " + tmp);
        ::unlink(tmp.c_str());
        return err;
    }
    int dir = ::open(data_path.empty() ? "." : data_path.c_str(), O_RDONLY | O_DIRECTORY);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return "";
}

}  // namespace nsqpp::nsqd
