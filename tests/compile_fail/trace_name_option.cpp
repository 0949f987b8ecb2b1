// expect: consist::trace takes its name as the first argument
#include <consist.hpp>

void use() {
#ifdef CONSIST_CF_CONTROL
  auto tr = consist::trace("s", consist::model{"m"});
#else
  auto tr = consist::trace("s", consist::name{"other"});
#endif
  tr.finish();
}
