// expect: this consist option is given more than once
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run([] {}, consist::name{"s"}, consist::tags{"a", "b"});
#else
  t.run([] {}, consist::name{"s"}, consist::tags{"a"}, consist::tags{"b"});
#endif
}
