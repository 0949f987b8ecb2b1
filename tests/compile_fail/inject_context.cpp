// expect: consist::inject_context is not an option: declare a consist::run_context& parameter
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run([](consist::run_context&) {}, consist::name{"s"});
#else
  t.run([](consist::run_context&) {}, consist::name{"s"}, consist::inject_context{true});
#endif
}
