#include "wire/quote.h"

#include <cstdint>

#include "wire/utf8.h"

namespace nsqpp::wire {
namespace {

constexpr char lower_hex[] = "0123456789abcdef";

void append_hex(std::string& out, uint32_t v, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
        out.push_back(lower_hex[(v >> shift) & 0xF]);
    }
}

// Go's appendEscapedRune for quote '"' (not ASCII-only, not graphic-only).
void append_escaped_rune(std::string& out, char32_t r) {
    if (r == '"' || r == '\\') {
        out.push_back('\\');
        out.push_back(static_cast<char>(r));
        return;
    }
    if (is_printable_rune(r)) {
        append_rune(out, r);
        return;
    }
    if (r >= '\a' && r <= '\r') {  // \a \b \t \n \v \f \r are 7..13
        out.push_back('\\');
        out.push_back("abtnvfr"[r - '\a']);
        return;
    }
    if (r < ' ' || r == 0x7F) {
        out += "\\x";
        append_hex(out, r, 2);
    } else if (r < 0x10000) {
        out += "\\u";
        append_hex(out, r, 4);
    } else {
        out += "\\U";
        append_hex(out, r, 8);
    }
}

}  // namespace

std::string go_quote(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out.push_back('"');
    while (!s.empty()) {
        const decoded_rune d = decode_rune(s);
        if (d.rune == rune_error && d.width == 1) {
            out += "\\x";
            append_hex(out, static_cast<unsigned char>(s[0]), 2);
        } else {
            append_escaped_rune(out, d.rune);
        }
        s.remove_prefix(d.width);
    }
    out.push_back('"');
    return out;
}

}  // namespace nsqpp::wire
