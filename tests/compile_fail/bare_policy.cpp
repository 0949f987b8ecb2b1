// expect: consist::policy is not a run option: pass consist::output_policy_options
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
  t.run([] {}, consist::name{"s"}, consist::output_policy_options{.missing = consist::policy::error});
#else
  t.run([] {}, consist::name{"s"}, consist::policy::error);
#endif
}
