// expect: clock_settings.*adapt it with BOOST_HANA_ADAPT_STRUCT .*or provide consist_encode and consist_schema
// A config member whose type is neither reflected nor customized: the error
// names the member's type and how to adapt it.
#include <consist/encode/reflect.hpp>

namespace cf {
#ifdef CONSIST_CF_CONTROL
struct clock_settings {
  BOOST_HANA_DEFINE_STRUCT(clock_settings, (int, ticks));
};
#else
struct clock_settings {  // not reflected
  int ticks;
};
#endif
struct config {
  BOOST_HANA_DEFINE_STRUCT(config, (double, dt), (clock_settings, clock));
};
}  // namespace cf

consist::digest128 identity_of(const cf::config& c) { return consist::digest(c); }
