// expect: readonly writes nothing, so hits cannot be counted
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  constexpr consist::cache_options ok{.mode = consist::cache_mode::readonly}; t.run([] {}, consist::name{"s"}, ok);
#else
  constexpr consist::cache_options bad{.mode = consist::cache_mode::readonly, .record_hits = consist::hit_recording::count}; t.run([] {}, consist::name{"s"}, bad);
#endif
}
