// nsqadmin: parse flags, start the web UI / admin API, stop cleanly on SIGINT/SIGTERM.
#include "net/run_daemon.h"
#include "nsqadmin/nsqadmin.h"
#include "nsqadmin/options_table.h"

int main(int argc, char** argv) {
    int exit_code = 0;
    auto opts = nsqpp::nsqadmin::parse_command_line(argc, argv, &exit_code);
    if (!opts) return exit_code;
    return nsqpp::net::run_daemon<nsqpp::nsqadmin::nsqadmin>("nsqadmin", *opts);
}
