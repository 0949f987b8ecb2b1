// expect: this argument is not a consist run option
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run([] {}, consist::name{"s"}, consist::year{42});
#else
  t.run([] {}, consist::name{"s"}, 42);
#endif
}
