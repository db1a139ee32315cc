// option_set's config-file loading: reading the file and applying NSQ's coercions.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/option_set.h"
#include "config/option_toml.h"

namespace nsqpp::config {
namespace {

// Go's spelling of an errno: "no such file or directory", "permission denied".
std::string errno_text(int err) {
    std::string text = std::strerror(err);
    if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z')
        text[0] = static_cast<char>(text[0] - 'A' + 'a');
    return text;
}

// Reads the whole file; on failure returns false with Go's os.ReadFile error text.
bool read_file(const std::string& path, std::string& content, std::string& error) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = fmt::format("open {}: {}", path, errno_text(errno));
        return false;
    }
    char buf[8192];
    while (true) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = fmt::format("read {}: {}", path, errno_text(errno));
            ::close(fd);
            return false;
        }
        if (n == 0) break;
        content.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return true;
}

}  // namespace

std::string option_set::load_toml_file(const std::string& path) {
    std::string content;
    std::string error;
    if (!read_file(path, content, error)) return error;
    return load_toml_string(content, path);
}

std::string option_set::load_toml_string(std::string_view text, const std::string& source) {
    toml::table table;
    try {
        table = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        return fmt::format("toml: line {}: {}", e.source().begin.line, e.description());
    }
    for (detail::option& o : options_) {
        if (o.config_key.empty() || o.seen) continue;
        const toml::node* node = table.get(o.config_key);
        if (node == nullptr) continue;
        if (std::string err = detail::set_from_toml(o, *node); !err.empty()) return err;
    }
    return "";
}

}  // namespace nsqpp::config
