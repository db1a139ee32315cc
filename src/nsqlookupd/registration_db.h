#pragma once
// nsqlookupd's in-memory registration database (spec/nsqlookupd.md §2): registration keys
// (category, key, subkey) → producers, one entry per producer id. Thread-safe: one
// shared_mutex, held only for map work; queries return snapshots.
//
// Times are Unix nanoseconds passed in by the caller (an injectable clock), so the active and
// tombstone filters are pure functions of their inputs.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace nsqpp::nsqlookupd {

using unix_nanos = int64_t;

// Go's zero time.Time as UnixNano: what /debug shows as tombstoned_at of a never-tombstoned
// entry.
inline constexpr unix_nanos go_zero_time_unix_nanos = -6795364578871345152;

// Category names (§2.1).
inline constexpr std::string_view category_client = "client";
inline constexpr std::string_view category_topic = "topic";
inline constexpr std::string_view category_channel = "channel";

// A key or subkey of "*" matches anything in the find_* queries (§2.5).
inline constexpr std::string_view wildcard = "*";

struct registration {
    std::string category;
    std::string key;
    std::string subkey;

    friend bool operator==(const registration&, const registration&) = default;
    friend bool operator<(const registration& a, const registration& b) {
        return std::tie(a.category, a.key, a.subkey) < std::tie(b.category, b.key, b.subkey);
    }
    // Go's Registration.IsMatch: category exact, key/subkey exact unless "*".
    bool matches(std::string_view category, std::string_view key, std::string_view subkey) const;
};

// What one nsqd connection announced with IDENTIFY; shared by every entry that connection
// registers. Immutable after IDENTIFY except last_update.
struct peer_info {
    std::string id;              // the connection's remote "ip:port" (the producer id)
    std::string remote_address;  // the same, as shown in JSON
    std::string hostname;
    std::string broadcast_address;
    int64_t tcp_port = 0;
    int64_t http_port = 0;
    std::string version;
    std::atomic<unix_nanos> last_update{0};  // IDENTIFY, then every PING
};

// One (key, producer) entry: the shared peer plus this entry's tombstone.
struct producer {
    std::shared_ptr<peer_info> peer;
    bool tombstoned = false;
    unix_nanos tombstoned_at = go_zero_time_unix_nanos;

    // Go's IsTombstoned: flag set and tombstoned less than `lifetime` ago.
    bool is_tombstoned(unix_nanos now, int64_t lifetime_ns) const;
    // Go's FilterByActive predicate: seen within the inactivity timeout and not tombstoned.
    bool is_active(unix_nanos now, int64_t inactivity_timeout_ns, int64_t lifetime_ns) const;
};

class registration_db {
  public:
    // Creates the key with no producers if missing.
    void add_registration(const registration& k);
    // Adds `peer` under `k` (creating the key). False if that producer id is already there
    // (the existing entry, tombstone included, is kept).
    bool add_producer(const registration& k, std::shared_ptr<peer_info> peer);
    struct removal {
        bool removed = false;  // the producer was there
        size_t left = 0;       // producers left under the key (0 if the key does not exist)
    };
    // Removes producer `id` from `k`; the key itself stays.
    removal remove_producer(const registration& k, std::string_view id);
    // Removes producer `id` from every key (disconnect, §2.4); returns the keys it was under.
    std::vector<registration> remove_producer_everywhere(std::string_view id);
    // Deletes the key and its producers.
    void remove_registration(const registration& k);

    // Keys matching (category, key, subkey) with "*" wildcards, sorted.
    std::vector<registration> find_registrations(std::string_view category, std::string_view key,
                                                 std::string_view subkey) const;
    // Producers of the matching keys; with a wildcard each producer id appears once (the first
    // key's entry, as NSQ's FindProducers does).
    std::vector<producer> find_producers(std::string_view category, std::string_view key,
                                         std::string_view subkey) const;
    // Every key producer `id` is registered under, sorted.
    std::vector<registration> lookup_registrations(std::string_view id) const;

    // /topic/tombstone: tombstones, at `now`, every producer find_producers("topic", topic, "")
    // would return whose "<broadcast_address>:<http_port>" equals `node`. Returns the count.
    size_t tombstone_topic_producers(std::string_view topic, std::string_view node, unix_nanos now);

    // Every key with its producers (for /debug), sorted by key.
    std::vector<std::pair<registration, std::vector<producer>>> dump() const;

  private:
    using producer_map = std::map<std::string, producer, std::less<>>;  // by peer id
    using registration_map = std::map<registration, producer_map>;

    // Calls f(key, producers) for every key matching the pattern (holding the lock).
    template <typename Map, typename F>
    static void for_each_match(Map& map, std::string_view category, std::string_view key,
                               std::string_view subkey, F&& f);

    mutable std::shared_mutex mu_;
    registration_map map_;
};

// "category:key:subkey", as /debug names its members.
std::string to_string(const registration& r);

}  // namespace nsqpp::nsqlookupd
