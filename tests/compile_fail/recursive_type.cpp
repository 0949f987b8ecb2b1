// expect: this type contains itself .*give it consist_encode and consist_schema
// A reflected struct that holds itself (a tree) has no finite schema.
#include <consist/encode/reflect.hpp>

#include <vector>

namespace cf {
struct node {
#ifdef CONSIST_CF_CONTROL
  BOOST_HANA_DEFINE_STRUCT(node, (int, value), (std::vector<int>, children));
#else
  BOOST_HANA_DEFINE_STRUCT(node, (int, value), (std::vector<node>, children));
#endif
};
}  // namespace cf

consist::digest128 identity_of(const cf::node& n) { return consist::digest(n); }
