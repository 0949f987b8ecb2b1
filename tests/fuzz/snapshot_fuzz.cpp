// The snapshot reader: <run_dir>/runs/<id>.json files, which people may edit.
#include "fuzz_support.hpp"

#include <consist/store/snapshot.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  consist_fuzz::expect_clean(
      [&] { (void)consist::snapshot_from_text(consist_fuzz::as_text(data, size), "fuzzed snapshot"); });
  return 0;
}
