#pragma once
// Body of <consist/trace.hpp>.

#include <consist/trace.hpp>

#include <consist/error.hpp>

namespace consist::inline v0 {

trace_scope::~trace_scope() {
  if (s_) s_->end_in_destructor();
}

detail::trace_state& trace_scope::state() const {
  if (!s_)
    throw usage_error("a consist::trace_scope was used after it was moved from",
                      "the trace now lives in the object it was moved to", "use that object");
  return *s_;
}

}  // namespace consist::inline v0
