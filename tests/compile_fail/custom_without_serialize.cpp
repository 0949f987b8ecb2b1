// expect: to store and restore this type, provide .void consist_serialize
// A custom type with an identity encoding only cannot be a cached return value.
#include <consist/encode/serialize.hpp>

#include <string_view>

namespace units {
struct kelvin {
  double value;
};
void consist_encode(consist::byte_sink auto& sink, const kelvin& k) { consist::encode(sink, k.value); }
constexpr std::string_view consist_schema(consist::type_t<kelvin>) { return "units::kelvin/1"; }
#ifdef CONSIST_CF_CONTROL
void consist_serialize(consist::byte_sink auto& sink, const kelvin& k) { consist::serialize_into(sink, k.value); }
kelvin consist_deserialize(consist::type_t<kelvin>, consist::byte_reader& r) {
  return kelvin{consist::deserialize_from<double>(r)};
}
#endif
}  // namespace units

std::vector<std::uint8_t> store(const units::kelvin& k) { return consist::serialize(k); }
