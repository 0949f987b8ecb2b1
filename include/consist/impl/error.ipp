#pragma once
// Body of <consist/error.hpp>.

#include <consist/error.hpp>

#include <utility>

namespace consist::inline v0 {

error::error(std::string problem, std::string likely_cause, std::string suggested_fix)
    : std::runtime_error(compose(problem, likely_cause, suggested_fix)),
      problem_(std::move(problem)),
      likely_cause_(std::move(likely_cause)),
      suggested_fix_(std::move(suggested_fix)) {}

std::string error::compose(const std::string& p, const std::string& c, const std::string& f) {
  return "Problem: " + p + "\nLikely cause: " + c + "\nSuggested fix: " + f;
}

}  // namespace consist::inline v0
