// expect: this argument is not a consist run option
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
  t.run([] {}, consist::name{"s"}, consist::year{42});
#else
  t.run([] {}, consist::name{"s"}, 42);
#endif
}
