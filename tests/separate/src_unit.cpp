// <consist/src.hpp> in a unit built without CONSIST_SEPARATE_COMPILATION:
// must not compile, and the diagnostic names the definition to add.
#include <consist/src.hpp>
