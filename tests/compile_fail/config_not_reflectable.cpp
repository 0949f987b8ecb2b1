// expect: holds a type this Adapter cannot encode
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
  t.run([](const step_config&) {}, consist::name{"s"}, consist::config{step_config{1}});
#else
  t.run([](const not_reflected&) {}, consist::name{"s"}, consist::config{not_reflected{1}});
#endif
}
