// The binary values of the store: signature index entries and hit counters.
// A decoded entry must re-encode to the same bytes (the format is canonical).
#include "fuzz_support.hpp"

#include <consist/store/layout.hpp>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = consist_fuzz::as_text(data, size);
  consist_fuzz::expect_clean([&] {
    const auto e = consist::layout::decode_cache_entry(bytes, "a fuzzed cache entry");
    if (consist::layout::encode_cache_entry(e) != bytes) std::abort();
    if (consist::layout::cache_entry_created_at(bytes, "a fuzzed cache entry") != e.created_at) std::abort();
  });
  consist_fuzz::expect_clean([&] { (void)consist::layout::cache_entry_created_at(bytes, "a fuzzed cache entry"); });
  consist_fuzz::expect_clean([&] { (void)consist::layout::decode_hit_counter(bytes, "fuzzed"); });
  return 0;
}
