// expect: overwrite never reuses, so there is nothing to validate
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
  constexpr consist::cache_options ok{.mode = consist::cache_mode::overwrite}; t.run([] {}, consist::name{"s"}, ok);
#else
  constexpr consist::cache_options bad{.mode = consist::cache_mode::overwrite, .validate = consist::cache_validation::eager}; t.run([] {}, consist::name{"s"}, bad);
#endif
}
