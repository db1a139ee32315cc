// to_nsq: publish stdin, one message per delimited record (see docs/tools.md).
#include "tools/to_nsq.h"

int main(int argc, char** argv) { return nsqpp::tools::to_nsq_main(argc, argv); }
