#include "net/tls.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <stdexcept>

namespace nsqpp::net {
namespace ssl = boost::asio::ssl;

namespace {
int protocol_version(const std::string& name) {
    if (name == "tls1.1") return TLS1_1_VERSION;
    if (name == "tls1.2") return TLS1_2_VERSION;
    if (name == "tls1.3") return TLS1_3_VERSION;
    return TLS1_VERSION;
}

// `require`: a certificate must be presented but is not checked (Go's RequireAnyClientCert).
int accept_any_certificate(int, X509_STORE_CTX*) { return 1; }

std::runtime_error load_error(const std::string& what, const std::string& file,
                              const std::exception& e) {
    return std::runtime_error("failed to load " + what + " " + file + " - " + e.what());
}
}  // namespace

std::shared_ptr<ssl::context> make_tls_server_context(const tls_server_config& cfg) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    SSL_CTX* native = ctx->native_handle();
    SSL_CTX_set_min_proto_version(native, protocol_version(cfg.min_version));
    if (cfg.min_version == "tls1.0" || cfg.min_version == "tls1.1") {
        // OpenSSL 3's default security level refuses TLS < 1.2 outright; NSQ accepts them.
        SSL_CTX_set_security_level(native, 0);
    }
    SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    try {
        ctx->use_certificate_chain_file(cfg.cert_file);
    } catch (const std::exception& e) {
        throw load_error("TLS certificate", cfg.cert_file, e);
    }
    try {
        ctx->use_private_key_file(cfg.key_file, ssl::context::pem);
    } catch (const std::exception& e) {
        throw load_error("TLS key", cfg.key_file, e);
    }
    if (SSL_CTX_check_private_key(native) != 1) {
        throw std::runtime_error("TLS key " + cfg.key_file + " does not match certificate " +
                                 cfg.cert_file);
    }
    if (!cfg.root_ca_file.empty()) {
        try {
            ctx->load_verify_file(cfg.root_ca_file);
        } catch (const std::exception& e) {
            throw load_error("TLS root CA file", cfg.root_ca_file, e);
        }
    }
    if (cfg.client_auth_policy == "require") {
        SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                           accept_any_certificate);
    } else if (cfg.client_auth_policy == "require-verify") {
        SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
    // Session resumption across nsqd's connections is not needed; keep each handshake full.
    SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
    return ctx;
}

std::string tls_version_name(const SSL* ssl) {
    int v = SSL_version(ssl);
    switch (v) {
        case TLS1_VERSION:
            return "TLS1.0";
        case TLS1_1_VERSION:
            return "TLS1.1";
        case TLS1_2_VERSION:
            return "TLS1.2";
        case TLS1_3_VERSION:
            return "TLS1.3";
        default:
            return "Unknown " + std::to_string(v);
    }
}

std::string tls_cipher_name(const SSL* ssl) {
    const SSL_CIPHER* c = SSL_get_current_cipher(ssl);
    if (!c) return "";
    if (SSL_version(ssl) == TLS1_3_VERSION) {
        return "Unknown " + std::to_string(SSL_CIPHER_get_protocol_id(c));
    }
    const char* name = SSL_CIPHER_standard_name(c);
    return name ? name : "Unknown " + std::to_string(SSL_CIPHER_get_protocol_id(c));
}

std::string tls_peer_common_name(const SSL* ssl) {
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (!cert) return "";
    std::string cn;
    X509_NAME* subject = X509_get_subject_name(cert);
    int idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (idx >= 0) {
        ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx));
        unsigned char* utf8 = nullptr;
        int len = ASN1_STRING_to_UTF8(&utf8, data);
        if (len >= 0) cn.assign(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
        OPENSSL_free(utf8);
    }
    X509_free(cert);
    return cn;
}

}  // namespace nsqpp::net
