// nsq_stat: print one channel's aggregate stats every --interval (see docs/tools.md).
#include "tools/nsq_stat.h"

int main(int argc, char** argv) { return nsqpp::tools::nsq_stat_main(argc, argv); }
