#pragma once
// Server-side TLS as nsqd configures it (--tls-cert, --tls-key, --tls-root-ca-file,
// --tls-client-auth-policy, --tls-min-version) and what /stats reports of a TLS session.
#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

namespace nsqpp::net {

struct tls_server_config {
    std::string cert_file;
    std::string key_file;
    std::string root_ca_file;            // verifies client certificates (require-verify)
    std::string client_auth_policy;      // "", "require" (not verified) or "require-verify"
    std::string min_version = "tls1.0";  // "tls1.0" .. "tls1.3"
};

// Loads the certificate and key and applies the policy. Throws std::runtime_error with the
// file and OpenSSL's reason when something cannot be loaded.
std::shared_ptr<boost::asio::ssl::context> make_tls_server_context(const tls_server_config& cfg);

// "TLS1.0" .. "TLS1.3" ("Unknown <n>" otherwise), as nsqd's /stats names versions.
std::string tls_version_name(const SSL* ssl);
// The suite's RFC name as Go's crypto/tls names TLS 1.0-1.2 suites (e.g.
// "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"); "Unknown <id>" for TLS 1.3 suites, which NSQ 1.3.0's
// table lacks.
std::string tls_cipher_name(const SSL* ssl);
// The subject CN of the peer's certificate, "" when none was presented.
std::string tls_peer_common_name(const SSL* ssl);

}  // namespace nsqpp::net
