// nsqgw: parse flags (and --config), run the gateway, stop cleanly on SIGINT/SIGTERM.
#include "gateway/config.h"
#include "gateway/gateway.h"
#include "net/run_daemon.h"

int main(int argc, char** argv) {
    int exit_code = 0;
    auto cfg = nsqpp::gateway::parse_command_line(argc, argv, &exit_code);
    if (!cfg) return exit_code;
    return nsqpp::net::run_daemon<nsqpp::gateway::gateway>("nsqgw", *cfg);
}
