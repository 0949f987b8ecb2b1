// expect: the value fn returns must be serializable
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
  t.run([] { return step_config{1}; }, consist::name{"s"});
#else
  t.run([] { return not_reflected{1}; }, consist::name{"s"});
#endif
}
