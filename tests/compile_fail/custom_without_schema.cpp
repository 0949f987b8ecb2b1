// expect: has a consist_ customization but no consist_schema
// A custom encoding without a schema name: schema_hash could not be computed.
#include <consist/encode/reflect.hpp>

#include <string_view>

namespace units {
struct kelvin {
  double value;
};
void consist_encode(consist::byte_sink auto& sink, const kelvin& k) { consist::encode(sink, k.value); }
#ifdef CONSIST_CF_CONTROL
constexpr std::string_view consist_schema(consist::type_t<kelvin>) { return "units::kelvin/1"; }
#endif
}  // namespace units

consist::digest128 identity_of(const units::kelvin& k) { return consist::digest(k); }
