#pragma once
// Shared by the fuzz targets: a decoder may reject its input only with a
// consist::error; anything else (a crash, a sanitizer report, another
// exception type) is a finding.

#include <consist/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace consist_fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

template <class Fn>
void expect_clean(Fn&& fn) {
  try {
    fn();
  } catch (const consist::error&) {
    // A clear rejection is the expected outcome for malformed bytes.
  }
}

}  // namespace consist_fuzz
