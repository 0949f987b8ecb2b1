// The library's function bodies, compiled once: the source of the
// consist::compiled target (see <consist/src.hpp>). Every unit that links
// that target is built with CONSIST_SEPARATE_COMPILATION.
#include <consist/src.hpp>
