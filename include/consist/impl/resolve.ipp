#pragma once
// Body of <consist/resolve.hpp>.

#include <consist/resolve.hpp>

namespace consist::inline v0 {

void resolution_context::precompute_code_identity() {
  try {
    default_code = current_code_identity(code_version);
    default_code_digest = default_code->digest();
    default_code_hex = to_hex(default_code_digest);
  } catch (const error&) {
    default_code.reset();
    default_code_hex.clear();
  }
}

namespace detail {

digest128 artifact_input_digest(const artifact& a) {
  hash_sink sink;
  if (!a.producing_signature.empty()) {
    // The producer's signature chains the identities (a change upstream
    // changes every run downstream); the fingerprint the producer recorded
    // covers a producer re-executed under the same signature (overwrite),
    // whose output may hold other bytes.
    encode(sink, std::string_view("consist.input.produced.v2"));
    encode(sink, a.producing_signature);
    encode(sink, a.key);
    encode(sink, a.fingerprint_strategy);
    encode(sink, a.fingerprint);
  } else {
    encode(sink, std::string_view("consist.input.file"));
    encode(sink, a.fingerprint_strategy);
    encode(sink, a.fingerprint);
  }
  return sink.finish();
}

digest128 file_input_digest(const fingerprint& fp) {
  hash_sink sink;
  encode(sink, std::string_view("consist.input.file"));
  encode(sink, std::string_view(fp.mode == hashing_mode::full ? "content" : "fast"));
  encode(sink, to_hex(fp.digest));
  return sink.finish();
}

const digest_text& no_inputs_digest() {
  static const digest_text d = [] {
    const digest128 x = combine_named(inputs_domain, {});
    return digest_text{x, to_hex(x)};
  }();
  return d;
}

const digest_text& no_config_digest() {
  static const digest_text d = [] {
    // Bytes no value's encoding begins with (a zero byte is no type tag), so
    // no config, of any adapter that encodes canonically, digests the same.
    constexpr std::string_view domain("\0consist.config.none", 20);
    hash_sink sink;
    sink.write(std::span(reinterpret_cast<const std::uint8_t*>(domain.data()), domain.size()));
    const digest128 x = sink.finish();
    return digest_text{x, to_hex(x)};
  }();
  return d;
}

std::filesystem::path artifact_path(const artifact& a, const std::filesystem::path& run_dir) {
  const std::filesystem::path loc(a.location);
  return loc.is_absolute() ? loc : run_dir / loc;
}

bool file_matches_artifact(const artifact& a, const std::filesystem::path& path) {
  const auto mode = a.fingerprint_strategy == "fast" ? hashing_mode::fast : hashing_mode::full;
  return to_hex(fingerprint_path(path, mode).digest) == a.fingerprint;
}

void check_file_artifact(const std::string& key, const artifact& a, const std::filesystem::path& path) {
  if (file_matches_artifact(a, path)) return;  // identity_error when missing
  throw identity_error("input '" + key + "' is the artifact of " + path.string() +
                           " as it was when recorded, and that file has changed since",
                       "the file was written again after log_input / add_input returned its artifact, or after "
                       "the run that read it",
                       "pass the path (consist::inputs{{\"" + key + "\", path}}) to take the file as it is now, "
                       "or log it again for a new artifact");
}

}  // namespace detail

}  // namespace consist::inline v0
