// deserialize<T>: the stored return value a cache hit restores. The first
// byte picks the type; the rest are the bytes.
#include "fuzz_support.hpp"

#include <consist/encode/serialize.hpp>

#include <boost/hana/define_struct.hpp>

#include <cstdlib>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

namespace {

struct zone_totals {
  BOOST_HANA_DEFINE_STRUCT(zone_totals, (double, total), (std::vector<double>, per_zone), (std::string, label),
                           (std::optional<std::int64_t>, year));
};

template <class T>
void decode(std::span<const std::uint8_t> bytes) {
  consist_fuzz::expect_clean([&] {
    // What decodes must encode, decode and encode again to the same bytes.
    // (Not to the input bytes: a map decodes from keys in any order.)
    const auto once = consist::serialize(consist::deserialize<T>(bytes));
    if (consist::serialize(consist::deserialize<T>(once)) != once) std::abort();
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> bytes(data + 1, size - 1);
  switch (data[0] % 6) {
    case 0: decode<std::int64_t>(bytes); break;
    case 1: decode<std::string>(bytes); break;
    case 2: decode<std::vector<double>>(bytes); break;
    case 3: decode<std::map<std::string, std::vector<std::int32_t>>>(bytes); break;
    case 4: decode<zone_totals>(bytes); break;
    default: decode<std::tuple<bool, std::optional<std::string>, float>>(bytes); break;
  }
  return 0;
}
