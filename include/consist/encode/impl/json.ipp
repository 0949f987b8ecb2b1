#pragma once
// Body of <consist/encode/json.hpp>.

#include <consist/encode/json.hpp>

#include <consist/detail/json_parse.hpp>

#include <boost/json/parse_options.hpp>
#include <boost/json/serialize.hpp>

#include <cstdio>
#include <system_error>

namespace consist::inline v0 {

namespace detail {

/// `prefix.key`, or `prefix["key"]` when the key could be misread in a path
/// (a member "$" of the root would read as the whole config).
inline std::string json_member_path(const std::string& prefix, std::string_view key) {
  const bool plain = !key.empty() && key.find_first_of(".[]\"\\") == std::string_view::npos &&
                     !(prefix.empty() && key == "$");
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

std::vector<field_digest> json_field_digests(const boost::json::value& v) {
  std::vector<field_digest> out;
  detail::collect_json_leaves(out, std::string(), v);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return out;
}

boost::json::value load_json_file(const std::filesystem::path& file) {
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
  // A UTF-8 byte order mark (some Windows editors write one) is not part of
  // the JSON text, and an editor does not show it: Boost.JSON would stop at it.
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);

  boost::json::parse_options options;
  options.allow_comments = true;
  options.allow_trailing_commas = true;
  options.max_depth = detail::json_max_depth;
  // Numbers read exactly, and a key given twice in one object refused: which
  // of the two a program reads depends on its JSON library, so no identity
  // can stand for the deck.
  auto parsed = detail::parse_json_exact(text, options, true);
  const std::size_t consumed = parsed.consumed;
  if (const auto& ec = parsed.ec) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < consumed && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    if (const auto& key = parsed.duplicate_key)
      throw usage_error("JSON config file '" + name + "' gives the key " +
                            boost::json::serialize(boost::json::value(*key)) +
                            " twice in one object (again at line " + std::to_string(line) + ", column " +
                            std::to_string(column) + ")",
                        "an entry was added or pasted without removing the earlier one; JSON libraries differ "
                        "in which of the two a program reads (the first or the last), so the deck has no one "
                        "identity",
                        "remove one of the two entries");
    throw usage_error("JSON config file '" + name + "' is not valid JSON: " + ec.message() + " at line " +
                          std::to_string(line) + ", column " + std::to_string(column),
                      "the deck has a syntax error (a missing comma, quote or bracket), is truncated, or is "
                      "not JSON",
                      "fix the file at that position and run again");
  }
  return std::move(parsed.value);
}

}  // namespace consist::inline v0
