// nsq_to_http: one HTTP GET/POST per message of a topic (see docs/tools.md).
#include "tools/nsq_to_http.h"

int main(int argc, char** argv) { return nsqpp::tools::nsq_to_http_main(argc, argv); }
