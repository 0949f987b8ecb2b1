// expect: consist::run needs a name: pass consist::name
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run([] {}, consist::model{"s"});
#else
  t.run([] {}, consist::year{2030});
#endif
}
