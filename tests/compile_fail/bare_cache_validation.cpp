// expect: consist::cache_validation is not a run option: pass consist::cache_options.\.validate
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run([] {}, consist::name{"s"}, consist::cache_options{.validate = consist::cache_validation::eager});
#else
  t.run([] {}, consist::name{"s"}, consist::cache_validation::eager);
#endif
}
