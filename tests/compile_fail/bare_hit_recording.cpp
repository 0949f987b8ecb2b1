// expect: consist::hit_recording is not a run option: pass consist::cache_options.\.record_hits
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run([] {}, consist::name{"s"}, consist::cache_options{.record_hits = consist::hit_recording::count});
#else
  t.run([] {}, consist::name{"s"}, consist::hit_recording::count);
#endif
}
