#include "tests/support/test_certs.h"

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include "tests/support/test_nsqd.h"

namespace nsqpp::test {
namespace {

void run(const std::string& cmd) {
    std::string quiet = cmd + " >/dev/null 2>&1";
    if (std::system(quiet.c_str()) != 0) throw std::runtime_error("failed: " + cmd);
}

test_certs generate() {
    test_certs c;
    c.dir = make_temp_dir();
    auto at = [&](const char* name) { return (std::filesystem::path(c.dir) / name).string(); };
    c.ca_cert = at("ca.pem");
    std::string ca_key = at("ca.key");
    c.server_cert = at("server.pem");
    c.server_key = at("server.key");
    c.client_cert = at("client.pem");
    c.client_key = at("client.key");
    c.rogue_cert = at("rogue.pem");
    c.rogue_key = at("rogue.key");
    run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=nsqpp-test-ca -keyout " +
        ca_key + " -out " + c.ca_cert);
    auto signed_cert = [&](const std::string& cn, const std::string& cert, const std::string& key,
                           const std::string& ext) {
        std::string csr = cert + ".csr";
        run("openssl req -newkey rsa:2048 -nodes -subj /CN=" + cn + " -keyout " + key + " -out " +
            csr);
        std::string ext_file = cert + ".ext";
        run("sh -c 'printf \"" + ext + "\\n\" > " + ext_file + "'");
        run("openssl x509 -req -in " + csr + " -CA " + c.ca_cert + " -CAkey " + ca_key +
            " -CAcreateserial -days 2 -extfile " + ext_file + " -out " + cert);
    };
    signed_cert("localhost", c.server_cert, c.server_key,
                "subjectAltName=DNS:localhost,IP:127.0.0.1");
    signed_cert("client1", c.client_cert, c.client_key, "extendedKeyUsage=clientAuth");
    run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=rogue -keyout " + c.rogue_key +
        " -out " + c.rogue_cert);
    return c;
}

}  // namespace

const test_certs& shared_test_certs() {
    static std::once_flag once;
    static test_certs certs;
    std::call_once(once, [] { certs = generate(); });
    return certs;
}

}  // namespace nsqpp::test
