#include "broker/message.h"

#include <new>

namespace nsqpp::broker {

message_ptr message::create(std::string_view body, int64_t timestamp_ns) {
    void* mem = ::operator new(sizeof(message) + body.size());
    auto* m = new (mem) message(static_cast<uint32_t>(body.size()));
    if (!body.empty()) std::memcpy(m->body_data(), body.data(), body.size());
    m->timestamp_ = timestamp_ns;
    return message_ptr(m);
}

void message::destroy(message* m) {
    m->~message();
    ::operator delete(m);
}

}  // namespace nsqpp::broker
