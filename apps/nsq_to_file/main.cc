// nsq_to_file: write topics to rotating local files (see docs/tools.md).
#include "tools/nsq_to_file.h"

int main(int argc, char** argv) { return nsqpp::tools::nsq_to_file_main(argc, argv); }
