#pragma once
// Body of <consist/resolve.hpp>.

#include <consist/resolve.hpp>

namespace consist::inline v0 {

void resolution_context::precompute_code_identity() {
  try {
    default_code = current_code_identity(code_version);
    default_code_digest = default_code->digest();
  } catch (const error&) {
    default_code.reset();
  }
}

namespace detail {

digest128 artifact_input_digest(const artifact& a) {
  hash_sink sink;
  if (!a.producing_signature.empty()) {
    encode(sink, std::string("consist.input.produced"));
    encode(sink, a.producing_signature);
    encode(sink, a.key);
  } else {
    encode(sink, std::string("consist.input.file"));
    encode(sink, a.fingerprint_strategy);
    encode(sink, a.fingerprint);
  }
  return sink.finish();
}

digest128 file_input_digest(const fingerprint& fp) {
  hash_sink sink;
  encode(sink, std::string("consist.input.file"));
  encode(sink, std::string(fp.mode == hashing_mode::full ? "content" : "fast"));
  encode(sink, to_hex(fp.digest));
  return sink.finish();
}

std::filesystem::path artifact_path(const artifact& a, const std::filesystem::path& run_dir) {
  const std::filesystem::path loc(a.location);
  return loc.is_absolute() ? loc : run_dir / loc;
}

}  // namespace detail

}  // namespace consist::inline v0
