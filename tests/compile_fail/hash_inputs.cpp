// expect: consist::hash_inputs is not an option: pass consist::identity_inputs
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
  t.run([] {}, consist::name{"s"}, consist::identity_inputs{std::filesystem::path("mesh.bin")});
#else
  t.run([] {}, consist::name{"s"}, consist::hash_inputs{std::filesystem::path("mesh.bin")});
#endif
}
