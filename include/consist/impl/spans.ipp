#pragma once
// Body of <consist/spans.hpp>.

#include <consist/spans.hpp>

#include <utility>

namespace consist::inline v0 {

span_collection::span_collection() : state_(std::make_unique<detail::span_collection_state>()) {
  detail::span_registry::instance().begin(*state_);
}

span_collection& span_collection::operator=(span_collection&& other) noexcept {
  if (this != &other) {
    abandon();
    state_ = std::move(other.state_);
  }
  return *this;
}

std::vector<span_stat> span_collection::finish() {
  if (!state_) {
    throw usage_error("span_collection::finish() was called on a collection that is not collecting",
                      "finish() was already called on it, or it was moved from",
                      "call finish() once per collection; construct a new span_collection for the "
                      "next run");
  }
  std::vector<span_stat> stats = detail::span_registry::instance().end(*state_);
  state_.reset();
  return stats;
}

void span_collection::abandon() noexcept {
  if (state_) detail::span_registry::instance().abandon(*state_);
  state_.reset();
}

}  // namespace consist::inline v0
