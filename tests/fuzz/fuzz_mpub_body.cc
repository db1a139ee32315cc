// libFuzzer target: HTTP /mpub bodies, text and binary.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "nsqd/mpub_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    for (bool binary : {false, true}) {
        std::vector<nsqpp::broker::message_ptr> out;
        auto err = nsqpp::nsqd::parse_mpub_body(body, binary, 1 << 16, 1 << 10, out);
        if (!err.empty() && !out.empty()) __builtin_trap();
        size_t total = 0;
        for (const auto& m : out) {
            if (m->body_size() == 0 || m->body_size() > (1 << 10)) __builtin_trap();
            total += m->body_size();
        }
        if (total > size) __builtin_trap();
    }
    return 0;
}
