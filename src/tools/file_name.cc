#include "tools/file_name.h"

#include <fmt/format.h>

#include <stdexcept>

namespace nsqpp::tools {

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    if (from.empty()) return text;
    size_t pos = 0;
    while ((pos = text.find(from, pos)) != std::string::npos) {
        text.replace(pos, from.size(), to);
        pos += to.size();
    }
    return text;
}

std::string compute_filename_format(const file_name_settings& s, std::string_view topic,
                                    std::string_view hostname, long pid) {
    std::string short_host(hostname.substr(0, hostname.find('.')));
    std::string identifier = short_host;
    if (!s.host_identifier.empty()) {
        identifier = replace_all(s.host_identifier, "<SHORT_HOST>", short_host);
        identifier = replace_all(identifier, "<HOSTNAME>", hostname);
    }
    std::string cff = s.filename_format;
    if (s.gzip || s.rotation_or_work_dir) {
        if (cff.find("<REV>") == std::string::npos) {
            throw std::runtime_error(
                "missing <REV> in --filename-format when gzip, rotation, or work dir enabled");
        }
    } else {
        cff = replace_all(cff, "<REV>", "");
    }
    cff = replace_all(cff, "<TOPIC>", topic);
    cff = replace_all(cff, "<HOST>", identifier);
    cff = replace_all(cff, "<PID>", std::to_string(pid));
    if (s.gzip && !(cff.size() >= 3 && cff.compare(cff.size() - 3, 3, ".gz") == 0)) cff += ".gz";
    return cff;
}

std::string format_datetime(std::string_view format, const std::tm& local_time) {
    static constexpr std::string_view supported = "YymdHIMSBbAapZz";
    std::string out;
    for (size_t i = 0; i < format.size(); ++i) {
        char c = format[i];
        if (c != '%' || i + 1 == format.size()) {
            out += c;
            continue;
        }
        char code = format[++i];
        if (code == '%') {
            out += '%';
        } else if (supported.find(code) != std::string_view::npos) {
            char spec[3] = {'%', code, '\0'};
            char buf[128];
            size_t n = std::strftime(buf, sizeof buf, spec, &local_time);
            out.append(buf, n);
        } else {
            out += '%';
            out += code;
        }
    }
    return out;
}

std::string with_revision(std::string_view name, unsigned revision) {
    return replace_all(std::string(name), "<REV>", fmt::format("-{:06}", revision));
}

}  // namespace nsqpp::tools
