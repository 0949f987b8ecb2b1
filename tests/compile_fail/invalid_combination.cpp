// expect: readonly writes nothing, so hits cannot be counted
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
  constexpr consist::cache_options ok{.mode = consist::cache_mode::readonly}; t.run([] {}, consist::name{"s"}, ok);
#else
  constexpr consist::cache_options bad{.mode = consist::cache_mode::readonly, .record_hits = consist::hit_recording::count}; t.run([] {}, consist::name{"s"}, bad);
#endif
}
