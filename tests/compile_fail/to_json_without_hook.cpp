// expect: to write this type into a JSON snapshot, provide .boost::json::value consist_to_json
// A custom type reaches the JSON snapshot only through consist_to_json.
#include <consist/encode/to_json.hpp>

#include <string_view>

namespace units {
struct kelvin {
  double value;
};
void consist_encode(consist::byte_sink auto& sink, const kelvin& k) { consist::encode(sink, k.value); }
constexpr std::string_view consist_schema(consist::type_t<kelvin>) { return "units::kelvin/1"; }
#ifdef CONSIST_CF_CONTROL
boost::json::value consist_to_json(const kelvin& k) { return k.value; }
#endif
}  // namespace units

boost::json::value snapshot(const units::kelvin& k) { return consist::to_json(k); }
