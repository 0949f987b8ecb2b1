// expect: hold a std::string instead
// A string_view member can be hashed but not restored (it would dangle).
#include <consist/encode/serialize.hpp>

#include <string>
#include <string_view>

namespace cf {
struct summary {
#ifdef CONSIST_CF_CONTROL
  BOOST_HANA_DEFINE_STRUCT(summary, (std::string, label), (double, total));
#else
  BOOST_HANA_DEFINE_STRUCT(summary, (std::string_view, label), (double, total));
#endif
};
}  // namespace cf

std::vector<std::uint8_t> store(const cf::summary& s) { return consist::serialize(s); }
