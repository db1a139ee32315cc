#pragma once
// Counts the bytes this thread requests from the global operator new while an alloc_scope is
// alive (alloc_counter.cc replaces operator new/delete in the test executable).
#include <cstddef>

namespace nsqpp::wire::testing {

class alloc_scope {
  public:
    alloc_scope();
    ~alloc_scope();
    alloc_scope(const alloc_scope&) = delete;
    alloc_scope& operator=(const alloc_scope&) = delete;

    size_t bytes() const;    // total requested since the scope began
    size_t largest() const;  // largest single request
    // False when operator new cannot be replaced (TSan builds): counts stay 0.
    static bool available();
};

}  // namespace nsqpp::wire::testing
