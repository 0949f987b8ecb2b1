#pragma once
// Types the compile-fail cases share: a reflected config, a struct consist
// cannot encode, and an adapter missing describe().

#include <consist.hpp>

#include <boost/hana/define_struct.hpp>

#include <cstdint>
#include <string_view>

namespace {
struct not_reflected {
  int a = 0;
};
struct step_config {
  BOOST_HANA_DEFINE_STRUCT(step_config, (int, a));
};
struct adapter_without_describe {
  static constexpr std::string_view name = "broken";
  static constexpr std::uint32_t version = 1;
  template <class T>
  static constexpr bool accepts = true;
  static consist::digest128 digest(const step_config&) { return {}; }
};
}  // namespace
