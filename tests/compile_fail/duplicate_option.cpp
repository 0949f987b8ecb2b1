// expect: this consist option is given more than once
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
  t.run([] {}, consist::name{"s"}, consist::tags{"a", "b"});
#else
  t.run([] {}, consist::name{"s"}, consist::tags{"a"}, consist::tags{"b"});
#endif
}
