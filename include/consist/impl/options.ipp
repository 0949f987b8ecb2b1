#pragma once
// Body of <consist/options.hpp>.

#include <consist/options.hpp>

namespace consist::inline v0::detail {

void invalid_option(const char* problem, const char* fix) {
  throw usage_error(problem, "two option values that cannot both take effect", fix);
}

}  // namespace consist::inline v0::detail
