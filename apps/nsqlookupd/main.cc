// nsqlookupd: parse flags, start the daemon, stop cleanly on SIGINT/SIGTERM.
#include "net/run_daemon.h"
#include "nsqlookupd/nsqlookupd.h"
#include "nsqlookupd/options_table.h"

int main(int argc, char** argv) {
    int exit_code = 0;
    auto opts = nsqpp::nsqlookupd::parse_command_line(argc, argv, &exit_code);
    if (!opts) return exit_code;
    return nsqpp::net::run_daemon<nsqpp::nsqlookupd::nsqlookupd>("nsqlookupd", *opts);
}
