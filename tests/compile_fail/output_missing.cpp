// expect: consist::output_missing is not an option: pass consist::output_policy_options
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run([] {}, consist::name{"s"}, consist::output_policy_options{.missing = consist::policy::error});
#else
  t.run([] {}, consist::name{"s"}, consist::output_missing{consist::policy::error});
#endif
}
