// expect: const or reference member .*cannot be restored from the store: make it a plain value member
// A const member cannot be assigned when the value is rebuilt from the store.
#include <consist/encode/serialize.hpp>

namespace cf {
struct summary {
#ifdef CONSIST_CF_CONTROL
  BOOST_HANA_DEFINE_STRUCT(summary, (int, count));
#else
  BOOST_HANA_DEFINE_STRUCT(summary, (const int, count));
#endif
};
}  // namespace cf

cf::summary restore(std::span<const std::uint8_t> bytes) { return consist::deserialize<cf::summary>(bytes); }
