// expect: the Adapter template argument does not satisfy consist::config_adapter_for
#include <consist.hpp>

#include <boost/hana/define_struct.hpp>

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

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run<consist::reflect_adapter>([](const step_config&) {}, consist::name{"s"}, consist::config{step_config{1}});
#else
  t.run<adapter_without_describe>([](const step_config&) {}, consist::name{"s"}, consist::config{step_config{1}});
#endif
}
