// Replaces the global (non-aligned) operator new/delete with malloc/free plus a per-thread
// counter. Every replaceable non-aligned form is defined so that new and delete always match.
// TSan's runtime defines them itself (no replacement possible): NSQPP_NO_ALLOC_COUNTER turns the
// counter off there and the allocation checks are skipped.
#include "wire/tests/alloc_counter.h"

#include <cstdlib>
#include <new>

namespace {

thread_local bool counting = false;
thread_local size_t counted_bytes = 0;
thread_local size_t largest_request = 0;

void* allocate(size_t n) noexcept {
    if (counting) {
        counted_bytes += n;
        if (n > largest_request) largest_request = n;
    }
    return std::malloc(n == 0 ? 1 : n);
}

void* allocate_or_throw(size_t n) {
    void* p = allocate(n);
    if (p == nullptr) throw std::bad_alloc();
    return p;
}

}  // namespace

namespace nsqpp::wire::testing {

alloc_scope::alloc_scope() {
    counted_bytes = 0;
    largest_request = 0;
    counting = true;
}
alloc_scope::~alloc_scope() { counting = false; }
size_t alloc_scope::bytes() const { return counted_bytes; }
size_t alloc_scope::largest() const { return largest_request; }

#ifdef NSQPP_NO_ALLOC_COUNTER
bool alloc_scope::available() { return false; }
}  // namespace nsqpp::wire::testing
#else
bool alloc_scope::available() { return true; }
}  // namespace nsqpp::wire::testing

void* operator new(size_t n) { return allocate_or_throw(n); }
void* operator new[](size_t n) { return allocate_or_throw(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept { return allocate(n); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return allocate(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
#endif  // NSQPP_NO_ALLOC_COUNTER
