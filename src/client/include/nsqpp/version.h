#pragma once
// Library version (IDENTIFY's default user_agent is "nsqpp/<version>").
namespace nsqpp::client {
inline constexpr const char* version = "0.1.0";
}
