#pragma once
// The store's on-disk layout: named databases, key formats, and the binary
// formats of the small values. A plain LMDB environment, so mdb_stat,
// mdb_dump and Python's lmdb module can read it.
//
//   database         key                                       value
//   runs             run_id                                    run record, JSON text (record_codec.hpp)
//   signature_index  16 raw signature bytes                    cache entry of the NEWEST completed run
//                                                              with that signature (binary, below)
//   artifacts        artifact_id                               artifact, JSON text
//   run_artifacts    run_id \0 dir \0 key                      artifact_id
//   artifact_runs    artifact_id \0 dir \0 run_id              key
//   children         parent_id \0 child_id                     (empty)
//   tags             tag \0 run_id                             (empty)
//   model_time       model \0 time(8) \0 run_id                status: one byte, 0 running 1 completed 2 failed
//   hit_counters     run_id                                    count u64 LE, last_used ns i64 LE (16 bytes)
//   meta             "application"                             "consist"
//                    "format_version"                          decimal text
//                    "namespace_uuid"                          UUID text, drawn once at creation
//                    "created_at"                              ISO-8601 UTC
//
// dir is one byte, 'i' (input) or 'o' (output). time is created_at in ns
// since the Unix epoch with the sign bit flipped, big-endian, so the keys of
// one model sort by creation time (newest last). Because components are
// separated by \0, no run id, tag, model name, artifact id or key may contain
// NUL; each is at most max_name_bytes long so every key fits LMDB's 511-byte
// limit. validate_name enforces both with a usage_error.
//
// Cache entry (binary, little-endian):
//   u8 format (= 1) | 16 signature bytes | i64 created_at ns |
//   varint len + run_id | varint len + value bytes |
//   varint n, then n x (varint len + output key, varint len + artifact id)
// varint is unsigned LEB128. The decoder rejects anything malformed,
// truncated or followed by extra bytes with an integrity_error.

#include <consist/error.hpp>
#include <consist/record.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace consist::inline v0 {

/// A run signature in raw form (the record holds it as 32 hex digits).
using signature_digest = std::array<std::uint8_t, 16>;

/// What a cache hit needs without reading the run record: the producing run,
/// the serialized return value and the output artifacts (key -> artifact id).
struct cache_entry {
  std::string run_id;
  signature_digest signature{};
  timestamp created_at{};
  std::vector<std::uint8_t> value;
  std::vector<std::pair<std::string, std::string>> outputs;

  friend bool operator==(const cache_entry&, const cache_entry&) = default;
};

}  // namespace consist::inline v0

namespace consist::inline v0::layout {

inline constexpr std::uint32_t format_version = 1;
inline constexpr std::string_view application = "consist";
inline constexpr std::size_t max_name_bytes = 250;
inline constexpr std::uint8_t cache_entry_format = 1;

namespace db {
inline constexpr const char* runs = "runs";
inline constexpr const char* signature_index = "signature_index";
inline constexpr const char* artifacts = "artifacts";
inline constexpr const char* run_artifacts = "run_artifacts";
inline constexpr const char* artifact_runs = "artifact_runs";
inline constexpr const char* children = "children";
inline constexpr const char* tags = "tags";
inline constexpr const char* model_time = "model_time";
inline constexpr const char* hit_counters = "hit_counters";
inline constexpr const char* meta = "meta";
}  // namespace db

inline constexpr std::array<const char*, 10> all_databases{
    db::runs,     db::signature_index, db::artifacts, db::run_artifacts, db::artifact_runs,
    db::children, db::tags,            db::model_time, db::hit_counters, db::meta};

/// Rejects a name that cannot be a key component (usage_error naming `what`).
/// A run id also names its snapshot file, so it may not contain '/' or be "." or "..".
inline void validate_name(std::string_view value, std::string_view what, bool allow_empty = false) {
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

inline char direction_byte(link_direction d) noexcept { return d == link_direction::input ? 'i' : 'o'; }

inline std::string join_key(std::string_view a, char dir, std::string_view b) {
  std::string k;
  k.reserve(a.size() + b.size() + 3);
  k.append(a).push_back('\0');
  k.push_back(dir);
  k.push_back('\0');
  k.append(b);
  return k;
}
inline std::string run_artifact_key(std::string_view run_id, link_direction d, std::string_view key) {
  return join_key(run_id, direction_byte(d), key);
}
inline std::string artifact_run_key(std::string_view artifact_id, link_direction d, std::string_view run_id) {
  return join_key(artifact_id, direction_byte(d), run_id);
}

/// The three parts of a run_artifacts / artifact_runs key, or nothing if malformed.
struct link_key {
  std::string_view first;
  link_direction direction;
  std::string_view second;
};
inline std::optional<link_key> split_link_key(std::string_view k) noexcept {
  const auto nul = k.find('\0');
  if (nul == std::string_view::npos || k.size() < nul + 3 || k[nul + 2] != '\0') return std::nullopt;
  const char d = k[nul + 1];
  if (d != 'i' && d != 'o') return std::nullopt;
  return link_key{k.substr(0, nul), d == 'i' ? link_direction::input : link_direction::output,
                  k.substr(nul + 3)};
}

/// "prefix\0": every key of `first` in children, tags, run_artifacts, artifact_runs.
inline std::string prefix_of(std::string_view first) {
  std::string p(first);
  p.push_back('\0');
  return p;
}
inline std::string pair_key(std::string_view first, std::string_view second) {
  return prefix_of(first).append(second);
}

inline std::array<char, 8> time_bytes(timestamp t) noexcept {
  const auto biased = static_cast<std::uint64_t>(t.time_since_epoch().count()) ^ (std::uint64_t{1} << 63);
  std::array<char, 8> b{};
  for (int i = 0; i < 8; ++i) b[static_cast<std::size_t>(i)] = static_cast<char>(biased >> (56 - 8 * i));
  return b;
}
inline std::string model_time_key(std::string_view model, timestamp created_at, std::string_view run_id) {
  const auto t = time_bytes(created_at);
  std::string k = prefix_of(model);
  k.append(t.data(), t.size()).push_back('\0');
  return k.append(run_id);
}
/// The run id at the end of a model_time key with the given model prefix length.
inline std::optional<std::string_view> model_time_run_id(std::string_view key, std::size_t prefix_len) noexcept {
  if (key.size() < prefix_len + 9 || key[prefix_len + 8] != '\0') return std::nullopt;
  return key.substr(prefix_len + 9);
}

inline char status_byte(run_status s) noexcept { return static_cast<char>(s); }
inline std::optional<run_status> status_from_byte(std::string_view v) noexcept {
  if (v.size() != 1 || static_cast<unsigned char>(v[0]) > 2) return std::nullopt;
  return static_cast<run_status>(v[0]);
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
    const auto out = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return out;
  }
  std::uint64_t varint() {
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

// ---- hit counters ---------------------------------------------------------

inline std::string encode_hit_counter(std::uint64_t count, timestamp last_used) {
  std::string out;
  put_u64(out, count);
  put_u64(out, static_cast<std::uint64_t>(last_used.time_since_epoch().count()));
  return out;
}
inline std::pair<std::uint64_t, timestamp> decode_hit_counter(std::string_view v, std::string_view run_id) {
  if (v.size() != 16)
    byte_reader(v, "the hit counter of run '" + std::string(run_id) + "'").fail("is not 16 bytes long");
  return {get_u64(v.data()),
          timestamp(std::chrono::nanoseconds(static_cast<std::int64_t>(get_u64(v.data() + 8))))};
}

// ---- cache entries --------------------------------------------------------

inline std::string encode_cache_entry(const cache_entry& e) {
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

/// The created_at of an encoded entry without decoding the rest (newest-wins checks).
inline timestamp cache_entry_created_at(std::string_view bytes, std::string_view what) {
  byte_reader r(bytes, what);
  if (static_cast<std::uint8_t>(r.take(1)[0]) != cache_entry_format) r.fail("has an unknown format byte");
  r.take(16);
  return timestamp(std::chrono::nanoseconds(static_cast<std::int64_t>(get_u64(r.take(8).data()))));
}

/// Decodes into `e` (reusing its capacity).
inline void decode_cache_entry_into(cache_entry& e, std::string_view bytes, std::string_view what) {
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

inline cache_entry decode_cache_entry(std::string_view bytes, std::string_view what = "a cache entry") {
  cache_entry e;
  decode_cache_entry_into(e, bytes, what);
  return e;
}

}  // namespace consist::inline v0::layout
