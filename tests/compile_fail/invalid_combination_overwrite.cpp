// expect: overwrite never reuses, so there is nothing to validate
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  constexpr consist::cache_options ok{.mode = consist::cache_mode::overwrite}; t.run([] {}, consist::name{"s"}, ok);
#else
  constexpr consist::cache_options bad{.mode = consist::cache_mode::overwrite, .validate = consist::cache_validation::eager}; t.run([] {}, consist::name{"s"}, bad);
#endif
}
