#pragma once
// The json_adapter's canonical encoding: a parsed Boost.JSON value (an input
// deck) -> identity bytes, so reformatting a deck never changes its identity
// and changing a value always does.
//   - it works on parsed values: whitespace, comments and key order vanish;
//     object entries are encoded in ascending key order;
//   - numbers are compared by value: int64 1, uint64 1 and double 1.0 encode
//     the same (json_integer: sign byte, u64 magnitude) and so do -0.0 and 0;
//     other doubles are json_real with canonical bits (one NaN);
//   - strings are exact bytes;
//   - arrays keep their order.
// Also: leaf paths and digests for miss explanations ("demand.alpha",
// "zones[3].pop"), and loading a deck with errors that say where it broke.

#include <consist/encode/canonical.hpp>
#include <consist/error.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/stream_parser.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace consist::inline v0 {

namespace detail {

struct json_integer_value {
  bool negative;
  std::uint64_t magnitude;
};

/// A JSON number as sign and magnitude when it is a whole number whose
/// magnitude fits in 64 bits, whatever its storage kind; nullopt otherwise.
inline std::optional<json_integer_value> json_integral(const boost::json::value& v) {
  if (v.is_int64()) {
    const std::int64_t i = v.get_int64();
    if (i < 0) return json_integer_value{true, std::uint64_t{0} - static_cast<std::uint64_t>(i)};
    return json_integer_value{false, static_cast<std::uint64_t>(i)};
  }
  if (v.is_uint64()) return json_integer_value{false, v.get_uint64()};
  const double d = v.get_double();
  if (!std::isfinite(d) || d != std::trunc(d) || std::fabs(d) >= 18446744073709551616.0) return std::nullopt;
  if (d == 0) return json_integer_value{false, 0};
  return json_integer_value{d < 0, static_cast<std::uint64_t>(std::fabs(d))};
}

inline std::string_view view_of(boost::json::string_view s) { return std::string_view(s.data(), s.size()); }

/// An object's entries in ascending key order.
inline std::vector<const boost::json::key_value_pair*> sorted_members(const boost::json::object& o) {
  std::vector<const boost::json::key_value_pair*> entries;
  entries.reserve(o.size());
  for (const auto& kv : o) entries.push_back(&kv);
  std::sort(entries.begin(), entries.end(),
            [](const auto* a, const auto* b) { return detail::view_of(a->key()) < detail::view_of(b->key()); });
  return entries;
}

}  // namespace detail

/// Writes the canonical encoding of a parsed JSON value.
template <byte_sink S>
void encode_json(S& sink, const boost::json::value& v) {
  using boost::json::kind;
  switch (v.kind()) {
    case kind::null:
      detail::put_tag(sink, type_tag::json_null);
      return;
    case kind::bool_:
      detail::put_tagged<1>(sink, type_tag::json_boolean, v.get_bool() ? 1 : 0);
      return;
    case kind::int64:
    case kind::uint64:
    case kind::double_:
      if (const auto i = detail::json_integral(v)) {
        detail::put_tagged<1>(sink, type_tag::json_integer, i->negative ? 1 : 0);
        detail::put_u64(sink, i->magnitude);
      } else {
        detail::put_tagged<8>(sink, type_tag::json_real, detail::canonical_bits(v.get_double()));
      }
      return;
    case kind::string:
      detail::put_tag(sink, type_tag::json_string);
      detail::put_text(sink, detail::view_of(v.get_string()));
      return;
    case kind::array:
      detail::put_tagged<8>(sink, type_tag::json_array, v.get_array().size());
      for (const auto& e : v.get_array()) consist::encode_json(sink, e);
      return;
    case kind::object:
      detail::put_tagged<8>(sink, type_tag::json_object, v.get_object().size());
      for (const auto* kv : detail::sorted_members(v.get_object())) {
        detail::put_text(sink, detail::view_of(kv->key()));
        consist::encode_json(sink, kv->value());
      }
      return;
  }
}

/// SipHash-2-4-128 (identity_key) of encode_json.
inline digest128 json_digest(const boost::json::value& v) {
  hash_sink h;
  consist::encode_json(h, v);
  return h.finish();
}

namespace detail {

/// `prefix.key`, or `prefix["key"]` when the key could be misread in a path.
inline std::string json_member_path(const std::string& prefix, std::string_view key) {
  const bool plain = !key.empty() && key.find_first_of(".[]\"\\") == std::string_view::npos;
  if (plain) return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
  std::string out = prefix + "[\"";
  for (char c : key) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"]";
}

inline void collect_json_leaves(std::vector<field_digest>& out, const std::string& path, const boost::json::value& v) {
  if (v.is_object() && !v.get_object().empty()) {
    for (const auto* kv : detail::sorted_members(v.get_object()))
      detail::collect_json_leaves(out, detail::json_member_path(path, detail::view_of(kv->key())), kv->value());
  } else if (v.is_array() && !v.get_array().empty()) {
    const auto& a = v.get_array();
    for (std::size_t i = 0; i < a.size(); ++i)
      detail::collect_json_leaves(out, path + "[" + std::to_string(i) + "]", a[i]);
  } else {
    out.push_back({path.empty() ? std::string("$") : path, json_digest(v)});
  }
}

}  // namespace detail

/// One digest per leaf (scalars, empty arrays and objects) with its path:
/// "demand.alpha", "zones[3].pop", `a["odd.key"]`; a scalar root is "$".
/// Sorted by path.
inline std::vector<field_digest> json_field_digests(const boost::json::value& v) {
  std::vector<field_digest> out;
  detail::collect_json_leaves(out, std::string(), v);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return out;
}

/// Parses a JSON input deck. Comments and trailing commas are accepted (they
/// do not reach the identity). Throws identity_error when the file cannot be
/// read and usage_error, with line and column, when it is not valid JSON.
inline boost::json::value load_json_file(const std::filesystem::path& file) {
  const std::string name = file.string();
  std::error_code fs_error;
  const bool exists = std::filesystem::exists(file, fs_error);
  if (fs_error)
    throw identity_error("JSON config file '" + name + "' cannot be accessed: " + fs_error.message(),
                         "a directory on its path is not searchable by this process",
                         "check the permissions of the directories leading to the file");
  if (!exists)
    throw identity_error("JSON config file '" + name + "' does not exist",
                         "the path is misspelled, or is relative to a different working directory",
                         "pass the path of an existing file (an absolute path avoids working-directory surprises)");
  if (std::filesystem::is_directory(file, fs_error))
    throw identity_error("JSON config path '" + name + "' is a directory, not a file",
                         "the path names the folder that holds the deck rather than the deck itself",
                         "pass the path of the JSON file inside it");
  // C stdio rather than <fstream>: the deck is read once, and this header is
  // part of every user's build.
  std::string text;
  bool read_ok = false;
  if (std::FILE* in = std::fopen(name.c_str(), "rb")) {
    char chunk[65536];
    std::size_t got = 0;
    while ((got = std::fread(chunk, 1, sizeof chunk, in)) != 0) text.append(chunk, got);
    read_ok = std::ferror(in) == 0;
    std::fclose(in);
  }
  if (!read_ok)
    throw identity_error("JSON config file '" + name + "' could not be read",
                         "the process lacks read permission, or the file system reported an error",
                         "check the file's permissions and that it can be read (e.g. with cat)");

  boost::json::parse_options options;
  options.allow_comments = true;
  options.allow_trailing_commas = true;
  options.max_depth = 256;
  boost::json::stream_parser parser({}, options);
  boost::system::error_code ec;
  std::size_t consumed = parser.write(text.data(), text.size(), ec);
  if (!ec) {
    parser.finish(ec);
    consumed = text.size();
  }
  if (ec) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < consumed && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw usage_error("JSON config file '" + name + "' is not valid JSON: " + ec.message() + " at line " +
                          std::to_string(line) + ", column " + std::to_string(column),
                      "the deck has a syntax error (a missing comma, quote or bracket), is truncated, or is "
                      "not JSON",
                      "fix the file at that position and run again");
  }
  return parser.release();
}

}  // namespace consist::inline v0
