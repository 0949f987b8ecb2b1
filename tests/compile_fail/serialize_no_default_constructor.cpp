// expect: must be default-constructible: give it a default constructor
// Reflected structs are restored field by field into a default-constructed value.
#include <consist/encode/serialize.hpp>

namespace cf {
struct summary {
  BOOST_HANA_DEFINE_STRUCT(summary, (int, count));
#ifdef CONSIST_CF_CONTROL
  summary() = default;
#endif
  explicit summary(int c) : count(c) {}
};
}  // namespace cf

cf::summary restore(std::span<const std::uint8_t> bytes) { return consist::deserialize<cf::summary>(bytes); }
