// expect: consist::cache_mode is not a run option: pass consist::cache_options.\.mode = \.\.\..
#include <consist.hpp>

#include <boost/hana/define_struct.hpp>

namespace {
struct not_reflected {
  int a = 0;
};
struct step_config {
  BOOST_HANA_DEFINE_STRUCT(step_config, (int, a));
};
}  // namespace

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run([] {}, consist::name{"s"}, consist::cache_options{.mode = consist::cache_mode::overwrite});
#else
  t.run([] {}, consist::name{"s"}, consist::cache_mode::overwrite);
#endif
}
