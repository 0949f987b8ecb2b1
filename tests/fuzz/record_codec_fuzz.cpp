// The record decoder of the store: run records and artifacts are JSON text
// read from LMDB. A decoded record must also encode and decode again.
#include "fuzz_support.hpp"

#include <consist/store/record_codec.hpp>

#include <optional>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = consist_fuzz::as_text(data, size);
  std::optional<consist::run_record> record;
  consist_fuzz::expect_clean([&] { record = consist::record_from_text(text, "fuzzed record"); });
  // What decodes must be writable and read back; a throw here is a finding.
  // (Not byte-equal: Boost.JSON 1.81 may move a double by one ulp when it parses it.)
  if (record) (void)consist::record_from_text(consist::record_to_text(*record), "re-encoded record");
  std::optional<consist::artifact> a;
  consist_fuzz::expect_clean([&] { a = consist::artifact_from_text(text, "fuzzed artifact"); });
  if (a) (void)consist::artifact_from_text(consist::artifact_to_text(*a), "re-encoded artifact");
  return 0;
}
