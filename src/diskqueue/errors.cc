#include "diskqueue/errors.h"

#include <string>

namespace nsqpp::diskqueue {
namespace {

class category_impl : public std::error_category {
  public:
    const char* name() const noexcept override { return "diskqueue"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::invalid_record_size:
                return "invalid message write size";
            case errc::closed:
                return "exiting";
        }
        return "unknown diskqueue error";
    }
};

}  // namespace

const std::error_category& diskqueue_category() noexcept {
    static const category_impl instance;
    return instance;
}

std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), diskqueue_category()};
}

}  // namespace nsqpp::diskqueue
