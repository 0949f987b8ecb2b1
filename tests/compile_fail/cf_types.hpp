#pragma once
// Types the compile-fail cases share: a reflected config, a struct consist
// cannot encode, an adapter missing describe(), and structs reflected through
// accessors (BOOST_HANA_ADAPT_ADT, which must be used at namespace scope).

#include <consist.hpp>

#include <boost/hana/adapt_adt.hpp>
#include <boost/hana/define_struct.hpp>

#include <cstdint>
#include <string>
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

namespace {
class adt_by_copy {  // its getter returns a copy of the member
 public:
  std::string label() const { return label_; }

 private:
  std::string label_;
};
struct adt_by_reference {  // its accessor returns the member itself
  std::string label;
};
}  // namespace
BOOST_HANA_ADAPT_ADT(adt_by_copy, (label, [](const adt_by_copy& a) { return a.label(); }));
BOOST_HANA_ADAPT_ADT(adt_by_reference, (label, [](auto& a) -> auto& { return a.label; }));
