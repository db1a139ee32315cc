#include "nsqadmin/options.h"

#include <arpa/inet.h>

#include "http/url.h"

namespace nsqpp::nsqadmin {

std::string normalize_base_path(const std::string& path) {
    if (path.empty()) return "/";
    std::string p = http::clean_path(path[0] == '/' ? path : "/" + path);
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    return p;
}

namespace {
bool valid_cidr(const std::string& cidr) {
    auto slash = cidr.find('/');
    if (slash == std::string::npos || slash + 1 >= cidr.size()) return false;
    std::string ip = cidr.substr(0, slash);
    int bits = 0;
    for (char c : cidr.substr(slash + 1)) {
        if (c < '0' || c > '9' || bits > 128) return false;
        bits = bits * 10 + (c - '0');
    }
    unsigned char buf[16];
    if (inet_pton(AF_INET, ip.c_str(), buf) == 1) return bits <= 32;
    return inet_pton(AF_INET6, ip.c_str(), buf) == 1 && bits <= 128;
}
}  // namespace

std::string validate_options(const options& opts) {
    bool lookupd = !opts.nsqlookupd_http_addresses.empty();
    bool nsqd = !opts.nsqd_http_addresses.empty();
    if (!lookupd && !nsqd) return "--nsqd-http-address or --lookupd-http-address required";
    if (lookupd && nsqd) return "use --nsqd-http-address or --lookupd-http-address not both";
    if (!opts.http_client_tls_cert.empty() && opts.http_client_tls_key.empty()) {
        return "--http-client-tls-key must be specified with --http-client-tls-cert";
    }
    if (opts.http_client_tls_cert.empty() && !opts.http_client_tls_key.empty()) {
        return "--http-client-tls-cert must be specified with --http-client-tls-key";
    }
    if (!opts.allow_config_from_cidr.empty() && !valid_cidr(opts.allow_config_from_cidr)) {
        return "failed to parse --allow-config-from-cidr (" + opts.allow_config_from_cidr +
               ") - invalid CIDR address: " + opts.allow_config_from_cidr;
    }
    return "";
}

}  // namespace nsqpp::nsqadmin
