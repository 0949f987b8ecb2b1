#pragma once
// Body of <consist/trace.hpp>.

#include <consist/trace.hpp>

#include <consist/error.hpp>

namespace consist::inline v0 {

trace_scope::~trace_scope() {
  if (s_) s_->end_in_destructor();
}

const run_record& trace_scope::fail(std::exception_ptr e) {
  if (!e)
    throw usage_error("trace_scope::fail() of run " + id() + " was given an empty std::exception_ptr",
                      "std::current_exception() was called outside a catch block, or a default-constructed "
                      "exception_ptr was passed",
                      "call fail(std::current_exception()) inside the catch block, or pass "
                      "std::make_exception_ptr(std::runtime_error(\"why\"))");
  return state().fail(detail::describe_exception(e));
}

detail::trace_state& trace_scope::state() const {
  if (!s_)
    throw usage_error("a consist::trace_scope was used after it was moved from",
                      "the trace now lives in the object it was moved to", "use that object");
  return *s_;
}

}  // namespace consist::inline v0
