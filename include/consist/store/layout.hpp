#pragma once
// The store's on-disk layout: named databases, key formats, and the binary
// formats of the small values. A plain LMDB environment, so mdb_stat,
// mdb_dump and Python's lmdb module can read it.
//
//   database         key                                       value
//   (main)           \0 + 16 raw signature bytes               cache entry of the NEWEST completed run
//                                                              with that signature (binary, below)
//   runs             run_id                                    run record, JSON text (record_codec.hpp)
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
// The signature index, which every cache hit reads, lives in LMDB's unnamed
// main database beside the names of the others: a read of a named database
// first looks its name up in the main one (LMDB refreshes a named database's
// root in every read transaction), so there a hit searches one B-tree, not
// two. The \0 sets its keys apart from those names (which hold no NUL; tools
// that list the named databases, like `mdb_stat -a`, skip keys with a NUL).
// Stores of format 1 keep the index in a named database, signature_index,
// keyed by the 16 bytes alone; consist reads and writes them as they are.
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

#include <consist/detail/config.hpp>
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

/// The format this build writes (2: the signature index in the main
/// database); it also reads and writes format 1.
inline constexpr std::uint32_t format_version = 2;
inline constexpr std::string_view application = "consist";
inline constexpr std::size_t max_name_bytes = 250;
inline constexpr std::uint8_t cache_entry_format = 1;

namespace db {
inline constexpr const char* runs = "runs";
inline constexpr const char* signature_index = "signature_index";  // format 1 only
inline constexpr const char* artifacts = "artifacts";
inline constexpr const char* run_artifacts = "run_artifacts";
inline constexpr const char* artifact_runs = "artifact_runs";
inline constexpr const char* children = "children";
inline constexpr const char* tags = "tags";
inline constexpr const char* model_time = "model_time";
inline constexpr const char* hit_counters = "hit_counters";
inline constexpr const char* meta = "meta";
}  // namespace db

/// The named databases of a store (a format-1 store also has signature_index).
inline constexpr std::array<const char*, 9> all_databases{db::runs,     db::artifacts, db::run_artifacts,
                                                          db::artifact_runs, db::children,  db::tags,
                                                          db::model_time,    db::hit_counters, db::meta};

/// The key of a signature's cache entry: \0 and the 16 bytes in the main
/// database, or (format 1) the 16 bytes alone in signature_index.
class signature_key {
 public:
  signature_key(const signature_digest& s, bool in_main_db) noexcept : size_(in_main_db ? 17 : 16) {
    std::memcpy(bytes_.data() + 1, s.data(), s.size());
  }
  operator std::string_view() const noexcept { return {bytes_.data() + (bytes_.size() - size_), size_}; }

  /// Whether `key`, read from the main database, is a signature's.
  static bool in_main_db(std::string_view key) noexcept { return key.size() == 17 && key[0] == '\0'; }

 private:
  std::array<char, 17> bytes_{};
  std::size_t size_;
};

/// Rejects a name that cannot be a key component (usage_error naming `what`).
/// A run id also names its snapshot file, so it may not contain '/' or be "." or "..".
CONSIST_DECL void validate_name(std::string_view value, std::string_view what, bool allow_empty = false);

inline char direction_byte(link_direction d) noexcept { return d == link_direction::input ? 'i' : 'o'; }

CONSIST_DECL std::string join_key(std::string_view a, char dir, std::string_view b);
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
CONSIST_DECL std::optional<link_key> split_link_key(std::string_view k) noexcept;

/// "prefix\0": every key of `first` in children, tags, run_artifacts, artifact_runs.
CONSIST_DECL std::string prefix_of(std::string_view first);
inline std::string pair_key(std::string_view first, std::string_view second) {
  return prefix_of(first).append(second);
}

CONSIST_DECL std::string model_time_key(std::string_view model, timestamp created_at, std::string_view run_id);
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

// ---- hit counters ---------------------------------------------------------

CONSIST_DECL std::string encode_hit_counter(std::uint64_t count, timestamp last_used);
CONSIST_DECL std::pair<std::uint64_t, timestamp> decode_hit_counter(std::string_view v, std::string_view run_id);

// ---- cache entries --------------------------------------------------------

CONSIST_DECL std::string encode_cache_entry(const cache_entry& e);

/// The created_at of an encoded entry without decoding the rest (newest-wins checks).
CONSIST_DECL timestamp cache_entry_created_at(std::string_view bytes, std::string_view what);

/// Decodes into `e` (reusing its capacity).
CONSIST_DECL void decode_cache_entry_into(cache_entry& e, std::string_view bytes, std::string_view what);

CONSIST_DECL cache_entry decode_cache_entry(std::string_view bytes, std::string_view what = "a cache entry");

}  // namespace consist::inline v0::layout

#if CONSIST_INCLUDE_IMPL
#include <consist/store/impl/layout.ipp>
#endif
