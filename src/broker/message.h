#pragma once
// One published message: header and body in a single allocation, shared (ref-counted,
// immutable once published) by every channel, queue and frame that carries it.
#include <atomic>
#include <boost/smart_ptr/intrusive_ptr.hpp>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace nsqpp::broker {

// The 64-bit ID (spec §2.9); the wire shows it as 16 lowercase hex characters.
using message_id = uint64_t;

class message {
  public:
    static boost::intrusive_ptr<message> create(std::string_view body, int64_t timestamp_ns = 0);

    message_id id() const { return id_; }
    int64_t timestamp() const { return timestamp_; }
    std::string_view body() const { return {body_data(), body_size_}; }
    uint32_t body_size() const { return body_size_; }

    // Set once by the topic before the message is shared.
    void assign(message_id id, int64_t timestamp_ns) {
        id_ = id;
        timestamp_ = timestamp_ns;
    }

    friend void intrusive_ptr_add_ref(message* m) {
        m->refs_.fetch_add(1, std::memory_order_relaxed);
    }
    friend void intrusive_ptr_release(message* m) {
        if (m->refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) destroy(m);
    }

  private:
    explicit message(uint32_t size) : body_size_(size) {}
    const char* body_data() const { return reinterpret_cast<const char*>(this + 1); }
    char* body_data() { return reinterpret_cast<char*>(this + 1); }
    static void destroy(message* m);

    std::atomic<uint32_t> refs_{0};
    uint32_t body_size_;
    int64_t timestamp_ = 0;
    message_id id_ = 0;
};

using message_ptr = boost::intrusive_ptr<message>;

}  // namespace nsqpp::broker
