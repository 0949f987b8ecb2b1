#pragma once
// Body of <consist/store/layout.hpp>.

#include <consist/store/layout.hpp>

#include <chrono>
#include <cstring>

namespace consist::inline v0::layout {

void validate_name(std::string_view value, std::string_view what, bool allow_empty) {
  auto fail = [&](const std::string& why, const std::string& fix) {
    std::string shown(value.substr(0, 60));
    for (char& c : shown)
      if (c == '\0') c = '?';
    throw usage_error(std::string(what) + " '" + shown + (value.size() > 60 ? "...'" : "'") + " " + why,
                      "the store uses it as part of an LMDB key", fix);
  };
  if (value.empty() && !allow_empty) fail("is empty", "give a non-empty name");
  if (value.size() > max_name_bytes)
    fail("is " + std::to_string(value.size()) + " bytes long", "keep it to at most 250 bytes");
  if (value.find('\0') != std::string_view::npos) fail("contains a NUL byte", "remove the NUL byte");
  if (what == "run id" && (value.find('/') != std::string_view::npos || value == "." || value == ".."))
    fail("is not a valid file name", "use a run id without '/' that is not '.' or '..'");
}

std::string join_key(std::string_view a, char dir, std::string_view b) {
  std::string k;
  k.reserve(a.size() + b.size() + 3);
  k.append(a).push_back('\0');
  k.push_back(dir);
  k.push_back('\0');
  k.append(b);
  return k;
}

std::optional<link_key> split_link_key(std::string_view k) noexcept {
  const auto nul = k.find('\0');
  if (nul == std::string_view::npos || k.size() < nul + 3 || k[nul + 2] != '\0') return std::nullopt;
  const char d = k[nul + 1];
  if (d != 'i' && d != 'o') return std::nullopt;
  return link_key{k.substr(0, nul), d == 'i' ? link_direction::input : link_direction::output,
                  k.substr(nul + 3)};
}

std::string prefix_of(std::string_view first) {
  std::string p(first);
  p.push_back('\0');
  return p;
}

inline std::array<char, 8> time_bytes(timestamp t) noexcept {
  const auto biased = static_cast<std::uint64_t>(t.time_since_epoch().count()) ^ (std::uint64_t{1} << 63);
  std::array<char, 8> b{};
  for (int i = 0; i < 8; ++i) b[static_cast<std::size_t>(i)] = static_cast<char>(biased >> (56 - 8 * i));
  return b;
}

std::string model_time_key(std::string_view model, timestamp created_at, std::string_view run_id) {
  const auto t = time_bytes(created_at);
  std::string k = prefix_of(model);
  k.append(t.data(), t.size()).push_back('\0');
  return k.append(run_id);
}

// ---- little-endian integers and LEB128 ------------------------------------

inline void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

inline std::uint64_t get_u64(const char* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  return v;
}

inline void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

/// A bounds-checked reader over bytes from disk.
class byte_reader {
 public:
  byte_reader(std::string_view bytes, std::string_view what) : rest_(bytes), what_(what) {}

  [[gnu::always_inline]] std::string_view take(std::size_t n) {
    if (n > rest_.size()) [[unlikely]]
      fail("is truncated");
    const std::string_view out(rest_.data(), n);  // checked above: no substr and its own check
    rest_.remove_prefix(n);
    return out;
  }
  std::uint64_t varint() {
    // One byte holds every length below 128 (most of them): no loop for it.
    if (!rest_.empty() && static_cast<unsigned char>(rest_[0]) < 0x80) {
      const auto b = static_cast<unsigned char>(rest_[0]);
      rest_.remove_prefix(1);
      return b;
    }
    std::uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      const auto b = static_cast<unsigned char>(take(1)[0]);
      if (shift == 63 && b > 1) break;
      if (b == 0 && shift != 0) break;  // an overlong form: one value, one encoding
      v |= std::uint64_t{b & 0x7fu} << shift;
      if (!(b & 0x80)) return v;
    }
    fail("holds a malformed length");
  }
  [[gnu::always_inline]] std::string_view counted() {
    const std::uint64_t n = varint();
    if (n > rest_.size()) fail("is truncated");
    return take(static_cast<std::size_t>(n));
  }
  void finish() const {
    if (!rest_.empty()) fail("has " + std::to_string(rest_.size()) + " unexpected trailing bytes");
  }
  std::size_t remaining() const noexcept { return rest_.size(); }
  [[noreturn, gnu::cold, gnu::noinline]] void fail(const std::string& why) const {
    throw integrity_error(std::string(what_) + " " + why,
                          "the store's data was damaged or written by a different program",
                          "rebuild the store from the run snapshots");
  }

 private:
  std::string_view rest_;
  std::string_view what_;
};

std::string encode_hit_counter(std::uint64_t count, timestamp last_used) {
  std::string out;
  put_u64(out, count);
  put_u64(out, static_cast<std::uint64_t>(last_used.time_since_epoch().count()));
  return out;
}

std::pair<std::uint64_t, timestamp> decode_hit_counter(std::string_view v, std::string_view run_id) {
  if (v.size() != 16)
    byte_reader(v, "the hit counter of run '" + std::string(run_id) + "'").fail("is not 16 bytes long");
  return {get_u64(v.data()),
          timestamp(std::chrono::nanoseconds(static_cast<std::int64_t>(get_u64(v.data() + 8))))};
}

std::string encode_cache_entry(const cache_entry& e) {
  std::string out;
  out.reserve(64 + e.run_id.size() + e.value.size());
  out.push_back(static_cast<char>(cache_entry_format));
  out.append(reinterpret_cast<const char*>(e.signature.data()), e.signature.size());
  put_u64(out, static_cast<std::uint64_t>(e.created_at.time_since_epoch().count()));
  put_varint(out, e.run_id.size());
  out.append(e.run_id);
  put_varint(out, e.value.size());
  out.append(reinterpret_cast<const char*>(e.value.data()), e.value.size());
  put_varint(out, e.outputs.size());
  for (const auto& [key, id] : e.outputs) {
    put_varint(out, key.size());
    out.append(key);
    put_varint(out, id.size());
    out.append(id);
  }
  return out;
}

timestamp cache_entry_created_at(std::string_view bytes, std::string_view what) {
  byte_reader r(bytes, what);
  if (static_cast<std::uint8_t>(r.take(1)[0]) != cache_entry_format) r.fail("has an unknown format byte");
  r.take(16);
  return timestamp(std::chrono::nanoseconds(static_cast<std::int64_t>(get_u64(r.take(8).data()))));
}

void decode_cache_entry_into(cache_entry& e, std::string_view bytes, std::string_view what) {
  byte_reader r(bytes, what);
  if (static_cast<std::uint8_t>(r.take(1)[0]) != cache_entry_format) r.fail("has an unknown format byte");
  std::memcpy(e.signature.data(), r.take(16).data(), 16);
  e.created_at = timestamp(std::chrono::nanoseconds(static_cast<std::int64_t>(get_u64(r.take(8).data()))));
  e.run_id.assign(r.counted());
  const auto value = r.counted();
  e.value.assign(value.begin(), value.end());
  const std::uint64_t n = r.varint();
  if (n > r.remaining() / 2) r.fail("claims more outputs than it holds");  // each takes >= 2 bytes
  e.outputs.resize(static_cast<std::size_t>(n));  // keeps the strings' buffers when reused
  for (auto& [key, id] : e.outputs) {
    key.assign(r.counted());
    id.assign(r.counted());
  }
  r.finish();
}

cache_entry decode_cache_entry(std::string_view bytes, std::string_view what) {
  cache_entry e;
  decode_cache_entry_into(e, bytes, what);
  return e;
}

}  // namespace consist::inline v0::layout
