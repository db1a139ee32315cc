#pragma once
// Error codes returned by disk_queue (I/O failures are std::system_category codes instead).
#include <system_error>
#include <type_traits>

namespace nsqpp::diskqueue {

enum class errc {
    invalid_record_size = 1,  // record shorter than min_msg_size or longer than max_msg_size
    closed = 2,               // the queue was closed or deleted ("exiting" in go-diskqueue)
};

const std::error_category& diskqueue_category() noexcept;
std::error_code make_error_code(errc e) noexcept;

}  // namespace nsqpp::diskqueue

template <>
struct std::is_error_code_enum<nsqpp::diskqueue::errc> : std::true_type {};
