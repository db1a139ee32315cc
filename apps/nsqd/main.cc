// nsqd: parse flags, start the daemon, stop cleanly on SIGINT/SIGTERM.
#include "net/run_daemon.h"
#include "nsqd/nsqd.h"
#include "nsqd/options_table.h"

int main(int argc, char** argv) {
    int exit_code = 0;
    auto opts = nsqpp::nsqd::parse_command_line(argc, argv, &exit_code);
    if (!opts) return exit_code;
    return nsqpp::net::run_daemon<nsqpp::nsqd::nsqd>("nsqd", *opts);
}
