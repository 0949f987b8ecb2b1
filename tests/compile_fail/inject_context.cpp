// expect: consist::inject_context is not an option: declare a consist::run_context& parameter
#include <consist.hpp>

#include <boost/hana/define_struct.hpp>

namespace {
struct not_reflected {
  int a = 0;
};
struct step_config {
  BOOST_HANA_DEFINE_STRUCT(step_config, (int, a));
};
struct adapter_without_describe {
  static constexpr std::string_view name = "broken";
  static constexpr std::uint32_t version = 1;
  template <class T>
  static constexpr bool accepts = true;
  static consist::digest128 digest(const step_config&) { return {}; }
};
}  // namespace

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run([](consist::run_context&) {}, consist::name{"s"});
#else
  t.run([](consist::run_context&) {}, consist::name{"s"}, consist::inject_context{true});
#endif
}
