#pragma once
// Run-time checks of option values, with the documented limits. Every failure
// is a usage_error raised before anything executes.

#include <consist/error.hpp>

#include <boost/json/object.hpp>

#include <algorithm>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace consist::inline v0 {

/// Documented limits (Consist's are names and tags <= 256 chars, description <= 4096, meta <= 200).
namespace limits {
// Names and tags end up inside LMDB index keys (at most 511 bytes) beside a run id.
inline constexpr std::size_t label_chars = 250;        // name, model, run_id, stage, phase, tag
inline constexpr std::size_t key_chars = 256;          // input/output artifact keys
inline constexpr std::size_t name_chars = label_chars - 9;  // a run name: its id "<name>_<8 hex>" must fit
inline constexpr std::size_t description_chars = 4096;
inline constexpr std::size_t meta_entries = 200;
inline constexpr std::size_t tag_count = 256;
}  // namespace limits

namespace detail {

inline void validate_length(std::string_view what, std::string_view value, std::size_t max) {
  if (value.size() > max)
    throw usage_error(std::string(what) + " is " + std::to_string(value.size()) + " characters long; the limit is " +
                          std::to_string(max),
                      "a generated or concatenated value grew past the documented limit",
                      "shorten it; put long text in consist::meta or a file");
}

constexpr bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.';
}

/// Names, models and run ids end up in file names: [A-Za-z0-9_][A-Za-z0-9_.-]*, no "..". Stages and phases
/// follow the same rule (`why` says what the value is for).
inline void validate_label(std::string_view what, std::string_view value,
                           std::string_view why = "it becomes part of file names (snapshots, output folders)") {
  if (value.empty())
    throw usage_error(std::string(what) + " is empty",
                      what == "run_id" ? "consist::run_id{...} was given an empty string"
                                       : "neither consist::name{...} nor consist::model{...} was given a non-empty string",
                      what == "run_id" ? "give a non-empty id, or leave consist::run_id out to have one drawn"
                                       : "give the step a non-empty name, e.g. consist::name{\"demand\"}");
  validate_length(what, value, limits::label_chars);
  const bool ok = value.front() != '.' && value.front() != '-' && value.find("..") == std::string_view::npos &&
                  std::all_of(value.begin(), value.end(), is_name_char);
  if (!ok)
    throw usage_error(std::string(what) + " '" + std::string(value) + "' has characters a " + std::string(what) +
                          " cannot have",
                      std::string(why),
                      "use letters, digits, '_', '-' and '.', starting with a letter, digit or '_', without '..'");
}

/// Artifact and input/output keys: ^[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,255}$, no "..", no "//", no "." between
/// slashes, no '/' at the end: a key is a relative path in its one spelling, so two keys never name one file.
inline bool is_valid_key(std::string_view key) {
  if (key.empty() || key.size() > limits::key_chars) return false;
  const auto first_ok = [](char c) { return is_name_char(c) && c != '.' && c != '-'; };
  if (!first_ok(key.front()) || key.back() == '/') return false;
  if (key.find("..") != std::string_view::npos || key.find("//") != std::string_view::npos) return false;
  if (key.find("/./") != std::string_view::npos || key.ends_with("/.")) return false;
  return std::all_of(key.begin(), key.end(), [](char c) { return is_name_char(c) || c == ':' || c == '/'; });
}

inline void validate_key(std::string_view what, std::string_view key) {
  if (!is_valid_key(key))
    throw usage_error(std::string(what) + " key '" + std::string(key) + "' is not a valid key",
                      "keys name files under the run's folder, so path tricks are refused",
                      "use 1-256 characters from [A-Za-z0-9_.:/-], starting with a letter, digit or '_', "
                      "without '..', '//', a '.' between slashes or a '/' at the end");
}

inline void validate_unique(std::string_view what, std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  const auto dup = std::adjacent_find(values.begin(), values.end());
  if (dup != values.end())
    throw usage_error(std::string(what) + " '" + *dup + "' is given twice", "the same key was listed twice",
                      "give each " + std::string(what) + " once");
}

/// The same over (name, value) pairs sorted by name: a name given twice would
/// make the identity depend on the order the options were written in.
template <class V>
void validate_unique_names(std::string_view what, const std::vector<std::pair<std::string, V>>& sorted) {
  const auto dup = std::adjacent_find(sorted.begin(), sorted.end(),
                                      [](const auto& a, const auto& b) { return a.first == b.first; });
  if (dup != sorted.end())
    throw usage_error(std::string(what) + " '" + dup->first + "' is given twice",
                      "two identity_value items share a name, or one file is listed twice",
                      "give each " + std::string(what) + " once, under a name of its own");
}

/// Valid output keys, each given once (a scenario's required outputs: its steps' keys).
inline void validate_output_key_list(const std::vector<std::string>& keys) {
  for (const auto& k : keys) validate_key("output", k);
  validate_unique("output key", keys);
}

/// One step's declared outputs: valid, each given once, and none inside another ("summary" is a folder of
/// "summary/detail.csv", which would make "summary" exist whether or not the step wrote it).
inline void validate_output_keys(const std::vector<std::string>& keys) {
  validate_output_key_list(keys);
  const std::set<std::string_view> declared(keys.begin(), keys.end());
  for (const std::string_view k : keys)
    for (auto slash = k.find('/'); slash != std::string_view::npos; slash = k.find('/', slash + 1))
      if (declared.contains(k.substr(0, slash)))
        throw usage_error("output keys '" + std::string(k.substr(0, slash)) + "' and '" + std::string(k) +
                              "' overlap: the second names a path inside the first",
                          "a folder and a file in it were both declared in consist::outputs{...}",
                          "declare either the folder as one output or the files in it, not both");
}

inline void validate_tags(const std::vector<std::string>& tags) {
  if (tags.size() > limits::tag_count)
    throw usage_error(std::to_string(tags.size()) + " tags given; the limit is " + std::to_string(limits::tag_count),
                      "tags were generated per item instead of per run",
                      "keep tags for a few labels; put per-item data in consist::meta or a file");
  for (const auto& t : tags) {
    validate_length("tag", t, limits::label_chars);
    if (t.empty() || std::any_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
      throw usage_error("a tag is empty or holds a control character (NUL, newline, ...)",
                        "a tag was built from unchecked text", "use printable text for tags");
  }
}

inline void validate_meta(const boost::json::object& meta) {
  if (meta.size() > limits::meta_entries)
    throw usage_error("consist::meta has " + std::to_string(meta.size()) + " entries; the limit is " +
                          std::to_string(limits::meta_entries),
                      "meta is used as a data store", "nest related values in one entry, or write a file");
  for (const auto& kv : meta) validate_length("meta key", kv.key(), limits::label_chars);
}

}  // namespace detail
}  // namespace consist::inline v0
