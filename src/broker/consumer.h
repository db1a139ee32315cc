#pragma once
// What a channel needs from a subscribed client; the socket side lives in src/nsqd.
#include <cstdint>

namespace nsqpp::broker {

class consumer {
  public:
    virtual ~consumer() = default;
    // Messages (or RDY room) became available: the consumer should call channel::take soon.
    // Called with the channel's lock held: it must only schedule work (e.g. post), never block
    // or call back into the channel.
    virtual void wake() = 0;
    // The channel is being deleted: close the connection. Same rules as wake().
    virtual void close_from_channel() = 0;
};

}  // namespace nsqpp::broker
