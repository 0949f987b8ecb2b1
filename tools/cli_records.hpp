#pragma once
// Looking runs up for a command (with a helpful not-found message) and
// presenting identity components and config fields, shared by show, why and
// diff.

#include "cli_context.hpp"

#include <consist/error.hpp>
#include <consist/record.hpp>
#include <consist/store/listing.hpp>
#include <consist/store/store.hpp>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace consist::inline v0::cli {

/// Up to `max` run ids of the store that start with `prefix`.
inline std::vector<std::string> run_ids_starting_with(const run_store& s, std::string_view prefix, std::size_t max) {
  return s.environment().read([&](const lmdb::txn& t) {
    std::vector<std::string> out;
    const auto runs = detail::store_database(t, s, layout::db::runs);
    t.with_cursor(runs, [&](lmdb::cursor& c) {
      detail::scan_prefix(c, prefix, [&](const lmdb::cursor::entry& e) {
        out.emplace_back(e.first);
        return out.size() < max;
      });
    });
    return out;
  });
}

/// The run with this id; a not_found_error naming the store otherwise.
inline run_record require_run(const cli_context& ctx, const run_store& s, const std::string& id) {
  if (auto r = s.get_run(id)) return std::move(*r);
  const auto near = run_ids_starting_with(s, id, 3);
  throw not_found_error("run '" + id + "' is not in the store at " + ctx.store_name(),
                        "the id is misspelt or incomplete, or the run was recorded in another store",
                        near.empty() ? std::string("list the runs with `consist runs`")
                                     : "did you mean " + join(near, " or ") + "? (`consist runs` lists them)");
}

/// A cache hit's record holds no config: it is the reused run's (same
/// config hash). Returns `r` with that config filled in, when available.
inline run_record with_reused_config(const run_store& s, run_record r) {
  if (!r.cache_hit || !r.config_fields.empty()) return r;
  if (const auto source = s.get_run(r.cache_source); source && source->config_hash == r.config_hash) {
    r.config = source->config;
    r.config_fields = source->config_fields;
  }
  return r;
}

/// The identity components in the order changed_components() names them.
inline constexpr std::array<std::string_view, 10> identity_component_names{
    "code", "config", "inputs", "identity_inputs", "adapter", "model", "year", "iteration", "cache_epoch",
    "cache_version"};

inline std::string pairs_text(const std::vector<std::pair<std::string, std::string>>& items) {
  std::string out;
  for (const auto& [k, v] : items) out += (out.empty() ? "" : ", ") + k + "=" + v.substr(0, 16);
  return out.empty() ? std::string("(none)") : out;
}

/// One component of an identity as text (digests in full).
inline std::string component_value(const identity_components& c, std::string_view name) {
  if (name == "code") return c.code_mode + " " + c.code_version + " (" + c.code_hash + ")";
  if (name == "config") return or_dash(c.config_hash);
  if (name == "inputs") return or_dash(c.input_hash) + " (" + std::to_string(c.inputs.size()) + " inputs)";
  if (name == "identity_inputs") return pairs_text(c.identity_inputs);
  if (name == "adapter") return c.adapter_name + " v" + std::to_string(c.adapter_version);
  if (name == "model") return c.model;
  if (name == "year") return format_optional(c.year);
  if (name == "iteration") return format_optional(c.iteration);
  if (name == "cache_epoch") return std::to_string(c.cache_epoch);
  if (name == "cache_version") return or_dash(c.cache_version);
  return "?";
}

/// JSON text for people: like boost::json::serialize, but doubles in their
/// shortest round-trip form ("0.5", not "5E-1").
inline std::string display_json(const boost::json::value& v) {
  if (v.is_double()) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, v.get_double());
    std::string s(buf, res.ptr);
    if (s.find_first_not_of("-0123456789") == std::string::npos) s += ".0";
    return s;
  }
  std::string out;
  if (v.is_array()) {
    for (const auto& e : v.get_array()) out += (out.empty() ? "" : ",") + display_json(e);
    return "[" + out + "]";
  }
  if (v.is_object()) {
    for (const auto& kv : v.get_object())
      out += (out.empty() ? "" : ",") + boost::json::serialize(boost::json::value(kv.key())) + ":" +
             display_json(kv.value());
    return "{" + out + "}";
  }
  return boost::json::serialize(v);
}

/// The value at a leaf path as the adapters write them: `a.b` (a member),
/// `[2]` (an element), `["a.b"]` (a member whose name could be misread in a
/// path, with \" and \\ escaped); "$" is the whole config. Null when the path
/// leads nowhere in `root`.
inline const boost::json::value* value_at_path(const boost::json::value& root, std::string_view path) {
  if (path == "$") return &root;
  const boost::json::value* v = &root;
  std::size_t i = 0;
  while (v != nullptr && i < path.size()) {
    if (path[i] == '.') {
      ++i;
    } else if (path.substr(i, 2) == "[\"") {  // a quoted member name
      std::string name;
      std::size_t j = i + 2;
      for (; j < path.size() && path[j] != '"'; ++j) {
        if (path[j] == '\\' && j + 1 < path.size()) ++j;
        name += path[j];
      }
      if (path.substr(j, 2) != "\"]") return nullptr;
      v = v->is_object() ? v->as_object().if_contains(name) : nullptr;
      i = j + 2;
    } else if (path[i] == '[') {  // an element
      const auto close = path.find(']', i);
      if (close == std::string_view::npos) return nullptr;
      std::size_t index = 0;
      const auto digits = path.substr(i + 1, close - i - 1);
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
      if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) return nullptr;
      v = v->is_array() && index < v->as_array().size() ? &v->as_array()[index] : nullptr;
      i = close + 1;
    } else {  // a plain member name, up to the next '.' or '['
      const auto end = std::min(path.find_first_of(".[", i), path.size());
      v = v->is_object() ? v->as_object().if_contains(path.substr(i, end - i)) : nullptr;
      i = end;
    }
  }
  return v;
}

/// The config value at a leaf path (see value_at_path), as JSON text.
inline std::string config_value(const run_record& r, std::string_view path) {
  const boost::json::value* v = value_at_path(r.config, path);
  if (v == nullptr) return "(absent)";
  return display_json(*v);
}

}  // namespace consist::inline v0::cli
