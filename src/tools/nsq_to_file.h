#pragma once
// nsq_to_file: writes topics' messages to rotating local files (spec/tools.md §2).
namespace nsqpp::tools {

int nsq_to_file_main(int argc, char** argv);

}  // namespace nsqpp::tools
