#pragma once
// Body of <consist/encode/canonical.hpp>.

#include <consist/encode/canonical.hpp>

#include <algorithm>

namespace consist::inline v0 {

std::optional<digest128> digest_from_hex(std::string_view hex) {
  if (hex.size() != 32) return std::nullopt;
  std::array<char, 32> lower{};
  std::transform(hex.begin(), hex.end(), lower.begin(),
                 [](char c) { return (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c; });
  digest128 d{};
  if (!detail::hex_decode_into(std::string_view(lower.data(), lower.size()), d)) return std::nullopt;
  return d;
}

std::vector<std::string> changed_fields(const std::vector<field_digest>& a,
                                        const std::vector<field_digest>& b) {
  const auto by_path = [](const field_digest& x, const field_digest& y) { return x.path < y.path; };
  std::vector<field_digest> sa(a), sb(b);
  std::sort(sa.begin(), sa.end(), by_path);
  std::sort(sb.begin(), sb.end(), by_path);
  std::vector<std::string> out;
  auto i = sa.begin();
  auto j = sb.begin();
  while (i != sa.end() || j != sb.end()) {
    if (j == sb.end() || (i != sa.end() && i->path < j->path)) {
      out.push_back((i++)->path);
    } else if (i == sa.end() || j->path < i->path) {
      out.push_back((j++)->path);
    } else {
      if (i->digest != j->digest) out.push_back(i->path);
      ++i;
      ++j;
    }
  }
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void byte_reader::fail(const std::string& what) {
  throw integrity_error("stored bytes are not a valid encoded value: " + what,
                        "the bytes were truncated or damaged on disk, or were written for a different "
                        "type or by an incompatible version of the program",
                        "discard the stored value and produce it again (rerun the step with "
                        "cache_options{.mode = cache_mode::overwrite})");
}

}  // namespace consist::inline v0
