#pragma once
// Go's strconv.Quote (fmt %q of a string), used in NSQ error texts such as
// `E_BAD_TOPIC PUB topic name "bad!topic" is not valid`.
#include <string>
#include <string_view>

namespace nsqpp::wire {

// Double-quoted with \" \\ \a \b \f \n \r \t \v; other control bytes, DEL and invalid UTF-8
// bytes as \xNN; printable UTF-8 kept as-is; other runes as \uXXXX or \UXXXXXXXX.
std::string go_quote(std::string_view s);

}  // namespace nsqpp::wire
