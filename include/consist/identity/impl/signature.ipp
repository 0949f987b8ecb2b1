#pragma once
// Body of <consist/identity/signature.hpp>.

#include <consist/identity/signature.hpp>

#include <consist/encode/reflect.hpp>

#include <algorithm>

namespace consist::inline v0 {

void sort_named(named_digests& d) {
  std::sort(d.begin(), d.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
}

digest128 combine_named(std::string_view domain, named_digests d) {
  sort_named(d);
  hash_sink sink;
  encode(sink, domain);  // the same bytes as a std::string, without building one
  encode(sink, d);
  return sink.finish();
}

digest128 compute_signature(const identity_parts& p) {
  hash_sink sink;
  encode(sink, detail::signature_domain);
  encode(sink, p.code);
  encode(sink, p.config);
  encode(sink, p.inputs);
  encode(sink, p.identity_inputs);
  encode(sink, p.adapter_name);
  encode(sink, p.adapter_version);
  encode(sink, p.model);
  encode(sink, p.year);
  encode(sink, p.iteration);
  encode(sink, p.cache_epoch);
  encode(sink, p.cache_version);
  return sink.finish();
}

}  // namespace consist::inline v0
