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
  auto tr = t.trace("s", consist::config{step_config{1}});
#else
  auto tr = t.trace("s", consist::config{not_reflected{1}});
#endif
  tr.finish();
}
