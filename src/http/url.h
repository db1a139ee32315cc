#pragma once
// URL pieces as Go's net/url and httprouter treat them: request-target splitting, percent
// decoding of paths and queries, query parsing, path cleaning and escaping.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nsqpp::http {

struct request;

// Decodes %XX escapes; '+' stays '+'. nullopt on a malformed escape (Go: url.PathUnescape).
std::optional<std::string> unescape_path(std::string_view s);

// Decodes %XX escapes and '+' as space. nullopt on a malformed escape (url.QueryUnescape).
std::optional<std::string> unescape_query(std::string_view s);

// Parses "a=1&b=2" into `out` in order, like url.ParseQuery: pairs separated by '&', empty
// pairs skipped, a pair with a ';' or a bad escape skipped. Returns false if any pair was bad.
bool parse_query(std::string_view raw, std::vector<std::pair<std::string, std::string>>& out);

// Splits an HTTP request-target (origin form "/p?q" or absolute form "http://h/p?q") into
// `req.path` (decoded), `req.raw_query`, `req.query` and `req.query_valid`.
// Returns false when the target is not a valid request URI (the server answers 400).
bool parse_target(std::string_view target, request& req);

// httprouter's CleanPath: path.Clean semantics ("//", ".", ".." removed) but a leading '/'
// is ensured and a trailing '/' is kept.
std::string clean_path(std::string_view path);

// Percent-encodes a decoded path as Go's URL.EscapedPath does (keeps unreserved characters
// and $&+,/:;=@).
std::string escape_path(std::string_view path);

}  // namespace nsqpp::http
