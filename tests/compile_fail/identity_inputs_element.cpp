// expect: consist::identity_inputs.*takes std::filesystem::path values
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run([] {}, consist::name{"s"}, consist::identity_inputs{consist::identity_value{"solver", 3}});
#else
  t.run([] {}, consist::name{"s"}, consist::identity_inputs{42});
#endif
}
