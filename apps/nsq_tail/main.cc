// nsq_tail: print the messages of one or more topics to stdout (see docs/tools.md).
#include "tools/nsq_tail.h"

int main(int argc, char** argv) { return nsqpp::tools::nsq_tail_main(argc, argv); }
