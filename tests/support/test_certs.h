#pragma once
// TLS material generated once per test process with the openssl CLI (removed at exit): a CA,
// a server certificate for localhost/127.0.0.1 and client certificates signed by the CA or
// self-signed ("rogue").
#include <string>

namespace nsqpp::test {

struct test_certs {
    std::string dir;
    std::string ca_cert;
    std::string server_cert, server_key;
    std::string client_cert, client_key;  // CN=client1, signed by the CA
    std::string rogue_cert, rogue_key;    // CN=rogue, self-signed
};

// Generates on first use; throws std::runtime_error when openssl fails.
const test_certs& shared_test_certs();

}  // namespace nsqpp::test
