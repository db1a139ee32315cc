#include "config/go_syntax.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace nsqpp::config {
namespace {

constexpr uint64_t one_63 = uint64_t{1} << 63;

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

// time.leadingInt: consumes [0-9]*; false on overflow past 1<<63.
bool leading_int(std::string_view& s, uint64_t& x) {
    x = 0;
    size_t i = 0;
    for (; i < s.size() && is_digit(s[i]); ++i) {
        if (x > one_63 / 10) return false;
        x = x * 10 + static_cast<uint64_t>(s[i] - '0');
        if (x > one_63) return false;
    }
    s.remove_prefix(i);
    return true;
}

// time.leadingFraction: consumes [0-9]*, silently dropping precision on overflow.
void leading_fraction(std::string_view& s, uint64_t& x, double& scale) {
    x = 0;
    scale = 1;
    bool overflow = false;
    size_t i = 0;
    for (; i < s.size() && is_digit(s[i]); ++i) {
        if (overflow) continue;
        if (x > (one_63 - 1) / 10) {
            overflow = true;
            continue;
        }
        uint64_t y = x * 10 + static_cast<uint64_t>(s[i] - '0');
        if (y > one_63) {
            overflow = true;
            continue;
        }
        x = y;
        scale *= 10;
    }
    s.remove_prefix(i);
}

std::optional<uint64_t> unit_nanos(std::string_view unit) {
    struct entry {
        std::string_view name;
        uint64_t nanos;
    };
    static constexpr std::array<entry, 8> units{{
        {"ns", 1},
        {"us", 1'000},
        {"\xC2\xB5s", 1'000},  // U+00B5 micro sign
        {"\xCE\xBCs", 1'000},  // U+03BC Greek mu
        {"ms", 1'000'000},
        {"s", 1'000'000'000},
        {"m", 60'000'000'000},
        {"h", 3'600'000'000'000},
    }};
    for (const entry& e : units) {
        if (e.name == unit) return e.nanos;
    }
    return std::nullopt;
}

// One "<number><unit>" element of a duration; adds its nanoseconds to `total`.
bool parse_duration_element(std::string_view& s, uint64_t& total) {
    if (!(s[0] == '.' || is_digit(s[0]))) return false;
    size_t before = s.size();
    uint64_t v = 0;
    if (!leading_int(s, v)) return false;
    bool pre = before != s.size();

    uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
        s.remove_prefix(1);
        size_t len = s.size();
        leading_fraction(s, f, scale);
        post = len != s.size();
    }
    if (!pre && !post) return false;

    size_t i = 0;
    while (i < s.size() && s[i] != '.' && !is_digit(s[i])) ++i;
    if (i == 0) return false;  // missing unit
    std::optional<uint64_t> unit = unit_nanos(s.substr(0, i));
    s.remove_prefix(i);
    if (!unit) return false;

    if (v > one_63 / *unit) return false;
    v *= *unit;
    if (f > 0) {
        v += static_cast<uint64_t>(static_cast<double>(f) * (static_cast<double>(*unit) / scale));
        if (v > one_63) return false;
    }
    total += v;
    return total <= one_63;
}

// Go's fmtFrac: writes the fraction of v/10^prec right-aligned before `w`, without trailing
// zeros (and without the '.' when the fraction is 0). Returns v / 10^prec.
uint64_t fmt_frac(char* buf, size_t& w, uint64_t v, int prec) {
    bool print = false;
    for (int i = 0; i < prec; ++i) {
        auto digit = static_cast<char>(v % 10);
        print = print || digit != 0;
        if (print) buf[--w] = static_cast<char>('0' + digit);
        v /= 10;
    }
    if (print) buf[--w] = '.';
    return v;
}

void fmt_int(char* buf, size_t& w, uint64_t v) {
    if (v == 0) {
        buf[--w] = '0';
        return;
    }
    while (v > 0) {
        buf[--w] = static_cast<char>('0' + v % 10);
        v /= 10;
    }
}

// strconv's underscoreOK: '_' only between digits (a base prefix counts as a digit).
bool underscore_ok(std::string_view s) {
    char saw = '^';
    size_t i = 0;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
    bool hex = false;
    if (s.size() >= 2 && s[0] == '0' &&
        (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
        i = 2;
        saw = '0';
        hex = lower(s[1]) == 'x';
    }
    for (; i < s.size(); ++i) {
        char c = lower(s[i]);
        if (is_digit(c) || (hex && c >= 'a' && c <= 'f')) {
            saw = '0';
            continue;
        }
        if (c == '_') {
            if (saw != '0') return false;
            saw = '_';
            continue;
        }
        if (saw == '_') return false;
        saw = '!';
    }
    return saw != '_';
}

// strconv.ParseUint(s, base, 64).
int_error parse_uint(std::string_view s, int base, uint64_t& n) {
    n = 0;
    if (s.empty()) return int_error::syntax;
    const std::string_view s0 = s;
    const bool base0 = base == 0;
    if (base0) {
        base = 10;
        if (s[0] == '0') {
            char p = s.size() >= 3 ? lower(s[1]) : '\0';
            base = p == 'b' ? 2 : p == 'o' ? 8 : p == 'x' ? 16 : 8;
            s.remove_prefix(p == 'b' || p == 'o' || p == 'x' ? 2 : 1);
        }
    } else if (base < 2 || base > 36) {
        return int_error::syntax;
    }
    const auto ubase = static_cast<uint64_t>(base);
    const uint64_t cutoff = std::numeric_limits<uint64_t>::max() / ubase + 1;
    bool underscores = false;
    for (char c : s) {
        uint64_t d = 0;
        char lc = lower(c);
        if (c == '_' && base0) {
            underscores = true;
            continue;
        } else if (is_digit(c)) {
            d = static_cast<uint64_t>(c - '0');
        } else if (lc >= 'a' && lc <= 'z') {
            d = static_cast<uint64_t>(lc - 'a' + 10);
        } else {
            return int_error::syntax;
        }
        if (d >= ubase) return int_error::syntax;
        if (n >= cutoff) return int_error::range;
        n *= ubase;
        uint64_t n1 = n + d;
        if (n1 < n) return int_error::range;
        n = n1;
    }
    if (underscores && !underscore_ok(s0)) return int_error::syntax;
    return int_error::none;
}

std::optional<double> parse_decimal_or_hex(std::string_view s, bool hex) {
    double value = 0;
    auto fmt = hex ? std::chars_format::hex : std::chars_format::general;
    const char* end = s.data() + s.size();
    auto [ptr, ec] = std::from_chars(s.data(), end, value, fmt);
    if (ptr != end) return std::nullopt;
    if (ec == std::errc::result_out_of_range) {
        // Overflow is an error in Go; underflow rounds to zero (or a denormal) silently.
        std::string copy(hex ? "0x" : "");
        copy.append(s);
        double v = std::strtod(copy.c_str(), nullptr);
        if (std::isinf(v)) return std::nullopt;
        return v;
    }
    if (ec != std::errc()) return std::nullopt;
    return value;
}

}  // namespace

std::optional<nanoseconds> parse_go_duration(std::string_view text) {
    std::string_view s = text;
    bool neg = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s == "0") return nanoseconds{0};
    if (s.empty()) return std::nullopt;
    uint64_t total = 0;
    while (!s.empty()) {
        if (!parse_duration_element(s, total)) return std::nullopt;
    }
    if (neg) return nanoseconds{static_cast<int64_t>(0 - total)};
    if (total > one_63 - 1) return std::nullopt;
    return nanoseconds{static_cast<int64_t>(total)};
}

std::string format_go_duration(nanoseconds d) {
    char buf[32];
    size_t w = sizeof buf;
    const bool neg = d.count() < 0;
    uint64_t u = static_cast<uint64_t>(d.count());
    if (neg) u = 0 - u;

    if (u < 1'000'000'000) {
        // Less than a second: use the smaller units, like "1.2ms".
        int prec = 0;
        buf[--w] = 's';
        if (u == 0) return "0s";
        if (u < 1'000) {
            buf[--w] = 'n';
        } else if (u < 1'000'000) {
            prec = 3;
            buf[--w] = '\xB5';  // U+00B5 micro sign, as Go prints it
            buf[--w] = '\xC2';
        } else {
            prec = 6;
            buf[--w] = 'm';
        }
        u = fmt_frac(buf, w, u, prec);
        fmt_int(buf, w, u);
    } else {
        buf[--w] = 's';
        u = fmt_frac(buf, w, u, 9);
        fmt_int(buf, w, u % 60);  // seconds
        u /= 60;
        if (u > 0) {
            buf[--w] = 'm';
            fmt_int(buf, w, u % 60);
            u /= 60;
            if (u > 0) {
                buf[--w] = 'h';
                fmt_int(buf, w, u);
            }
        }
    }
    if (neg) buf[--w] = '-';
    return std::string(buf + w, sizeof buf - w);
}

int_parse parse_go_int_base(std::string_view text, int base) {
    if (text.empty()) return {0, int_error::syntax};
    std::string_view s = text;
    bool neg = false;
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        s.remove_prefix(1);
    }
    uint64_t un = 0;
    int_error err = parse_uint(s, base, un);
    if (err != int_error::none) return {0, err};
    if (!neg && un >= one_63) return {std::numeric_limits<int64_t>::max(), int_error::range};
    if (neg && un > one_63) return {std::numeric_limits<int64_t>::min(), int_error::range};
    return {neg ? static_cast<int64_t>(0 - un) : static_cast<int64_t>(un), int_error::none};
}

std::optional<int64_t> parse_go_int(std::string_view text) {
    int_parse r = parse_go_int_base(text, 0);
    if (r.error != int_error::none) return std::nullopt;
    return r.value;
}

std::optional<bool> parse_go_bool(std::string_view text) {
    if (text == "1" || text == "t" || text == "T" || text == "true" || text == "TRUE" ||
        text == "True") {
        return true;
    }
    if (text == "0" || text == "f" || text == "F" || text == "false" || text == "FALSE" ||
        text == "False") {
        return false;
    }
    return std::nullopt;
}

std::optional<double> parse_go_float(std::string_view text) {
    std::string_view s = text;
    bool neg = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s.empty()) return std::nullopt;
    const double sign = neg ? -1.0 : 1.0;
    if (iequals(s, "inf") || iequals(s, "infinity")) {
        return sign * std::numeric_limits<double>::infinity();
    }
    if (iequals(s, "nan")) {
        if (s.data() != text.data()) return std::nullopt;  // Go rejects a signed NaN
        return std::numeric_limits<double>::quiet_NaN();
    }
    std::optional<double> v;
    if (s.size() > 2 && s[0] == '0' && lower(s[1]) == 'x') {
        // Go requires the 'p' exponent in a hexadecimal float.
        if (s.find_first_of("pP") == std::string_view::npos) return std::nullopt;
        v = parse_decimal_or_hex(s.substr(2), true);
    } else if (is_digit(s[0]) || s[0] == '.') {
        v = parse_decimal_or_hex(s, false);
    }
    if (!v) return std::nullopt;
    return sign * *v;
}

std::string go_quote(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\a':
                out += "\\a";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\v':
                out += "\\v";
                break;
            default:
                if (u < 0x20 || u == 0x7f) {
                    out += "\\x";
                    out += hex[u >> 4];
                    out += hex[u & 0xf];
                } else {
                    out += c;  // printable ASCII and (assumed valid) UTF-8 bytes
                }
        }
    }
    out += '"';
    return out;
}

}  // namespace nsqpp::config
