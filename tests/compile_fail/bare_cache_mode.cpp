// expect: consist::cache_mode is not a run option: pass consist::cache_options.\.mode = \.\.\..
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run([] {}, consist::name{"s"}, consist::cache_options{.mode = consist::cache_mode::overwrite});
#else
  t.run([] {}, consist::name{"s"}, consist::cache_mode::overwrite);
#endif
}
