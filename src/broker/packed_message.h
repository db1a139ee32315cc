#pragma once
// A channel queue slot in 8 bytes: the message pointer with the attempt count in its top 16
// bits (x86-64 and AArch64 user-space pointers fit in 48 bits). Owns one reference.
#include <cstdint>
#include <utility>

#include "broker/delivery.h"

namespace nsqpp::broker {

class packed_message {
  public:
    explicit packed_message(queued_message qm)
        : bits_(reinterpret_cast<uintptr_t>(qm.msg.detach()) |
                (static_cast<uintptr_t>(qm.attempts) << shift)) {}
    packed_message(packed_message&& o) noexcept : bits_(std::exchange(o.bits_, 0)) {}
    packed_message& operator=(packed_message&& o) noexcept {
        if (this != &o) {
            release();
            bits_ = std::exchange(o.bits_, 0);
        }
        return *this;
    }
    packed_message(const packed_message&) = delete;
    packed_message& operator=(const packed_message&) = delete;
    ~packed_message() { release(); }

    // The message and attempts without taking the reference.
    queued_message peek() const {
        return {message_ptr(reinterpret_cast<message*>(bits_ & pointer_mask)),
                static_cast<uint16_t>(bits_ >> shift)};
    }

    // Gives the reference back as a queued_message; this slot becomes empty.
    queued_message unpack() {
        uintptr_t bits = std::exchange(bits_, 0);
        return {message_ptr(reinterpret_cast<message*>(bits & pointer_mask), false),
                static_cast<uint16_t>(bits >> shift)};
    }

  private:
    static constexpr int shift = 48;
    static constexpr uintptr_t pointer_mask = (uintptr_t{1} << shift) - 1;
    static_assert(sizeof(uintptr_t) == 8, "packed_message needs 64-bit pointers");

    void release() {
        if (bits_ != 0) intrusive_ptr_release(reinterpret_cast<message*>(bits_ & pointer_mask));
    }

    uintptr_t bits_;
};

}  // namespace nsqpp::broker
