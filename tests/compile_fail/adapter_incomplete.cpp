// expect: the Adapter template argument does not satisfy consist::config_adapter_for
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run<consist::reflect_adapter>([](const step_config&) {}, consist::name{"s"}, consist::config{step_config{1}});
#else
  t.run<adapter_without_describe>([](const step_config&) {}, consist::name{"s"}, consist::config{step_config{1}});
#endif
}
