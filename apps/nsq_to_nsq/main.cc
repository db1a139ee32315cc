// nsq_to_nsq: republish topics to other nsqd (see docs/tools.md).
#include "tools/nsq_to_nsq.h"

int main(int argc, char** argv) { return nsqpp::tools::nsq_to_nsq_main(argc, argv); }
