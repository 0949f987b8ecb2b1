// expect: consist::hash_inputs is not an option: pass consist::identity_inputs
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run([] {}, consist::name{"s"}, consist::identity_inputs{std::filesystem::path("mesh.bin")});
#else
  t.run([] {}, consist::name{"s"}, consist::hash_inputs{std::filesystem::path("mesh.bin")});
#endif
}
