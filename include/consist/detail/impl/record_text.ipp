#pragma once
// Body of <consist/detail/record_text.hpp>. The member order is the order
// of store/record_codec.hpp's record_to_json and artifact_to_json.

#include <consist/detail/record_text.hpp>

#include <consist/detail/json_fields.hpp>
#include <consist/detail/json_writer.hpp>

#include <string_view>
#include <unordered_map>

namespace consist::inline v0::detail {

template <class Key>  // a literal takes json_writer's literal key
inline void write_optional_int(json_writer& w, const Key& key, const std::optional<std::int64_t>& v) {
  w.key(key);
  if (v) w.int64(*v);
  else w.null();
}

template <class Key>  // a literal takes json_writer's literal key
inline void write_string_array(json_writer& w, const Key& key, const std::vector<std::string>& v) {
  w.key(key);
  w.begin_array();
  for (const auto& s : v) w.string(s);
  w.end_array();
}

void write_string_map(json_writer& w, std::string_view key,
                      const std::vector<std::pair<std::string, std::string>>& v) {
  w.key(key);
  w.begin_object();
  bool unique = true;  // the usual case, checked without allocating when short
  if (v.size() <= 8) {
    for (std::size_t i = 1; i < v.size() && unique; ++i)
      for (std::size_t j = 0; j < i && unique; ++j) unique = v[i].first != v[j].first;
  }
  std::unordered_map<std::string_view, std::size_t> last;  // name -> index of its last pair
  if (v.size() > 8) {
    for (std::size_t i = 0; i < v.size(); ++i) last[v[i].first] = i;
    unique = last.size() == v.size();
  } else if (!unique) {
    for (std::size_t i = 0; i < v.size(); ++i) last[v[i].first] = i;
  }
  if (unique) {
    for (const auto& [name, value] : v) w.member(name, value);
  } else {
    for (std::size_t i = 0; i < v.size(); ++i) {
      auto it = last.find(v[i].first);
      if (it == last.end()) continue;  // written at its first place
      w.member(v[i].first, v[it->second].second);
      last.erase(it);
    }
  }
  w.end_object();
}

inline void write_identity(json_writer& w, const identity_components& c) {
  w.key("identity");
  w.begin_object();
  w.member("signature", c.signature);
  w.member("config_hash", c.config_hash);
  w.member("input_hash", c.input_hash);
  w.member("code_hash", c.code_hash);
  w.member("code_mode", c.code_mode);
  w.member("code_version", c.code_version);
  w.member("adapter_name", c.adapter_name);
  w.member_uint("adapter_version", c.adapter_version);
  w.member_uint("schema_hash", c.schema_hash);
  w.member("model", c.model);
  write_optional_int(w, "year", c.year);
  write_optional_int(w, "iteration", c.iteration);
  w.member_uint("cache_epoch", c.cache_epoch);
  w.member("cache_version", c.cache_version);
  write_string_map(w, "identity_inputs", c.identity_inputs);
  write_string_map(w, "inputs", c.inputs);
  w.end_object();
}

inline void write_explanation(json_writer& w, const std::optional<miss_explanation>& e) {
  w.key("explanation");
  if (!e) {
    w.null();
    return;
  }
  w.begin_object();
  w.member("reason", e->reason);
  w.member("nearest_run_id", e->nearest_run_id);
  write_string_array(w, "changed_components", e->changed_components);
  write_string_array(w, "changed_config_fields", e->changed_config_fields);
  write_string_array(w, "changed_inputs", e->changed_inputs);
  w.end_object();
}

template <class Key>  // a literal takes json_writer's literal key
inline void write_time(json_writer& w, const Key& key, timestamp t) {
  w.key(key);
  w.string(timestamp_chars(t).view());
}

void write_record_members(json_writer& w, const run_record& r) {
  w.member("id", r.id);
  w.member("parent_run_id", r.parent_run_id);
  w.member("status", to_string(r.status));
  w.member("model_name", r.model_name);
  w.member("description", r.description);
  write_optional_int(w, "year", r.year);
  write_optional_int(w, "iteration", r.iteration);
  w.member("stage", r.stage);
  w.member("phase", r.phase);
  write_string_array(w, "tags", r.tags);
  w.member("config_hash", r.config_hash);
  w.member("input_hash", r.input_hash);
  w.member("code_hash", r.code_hash);
  w.member("signature", r.signature);
  w.key("meta");
  w.begin_object();
  for (const auto& m : r.meta) {
    w.key(m.key());
    w.value(m.value());
  }
  w.end_object();
  write_time(w, "started_at", r.started_at);
  w.key("ended_at");
  if (r.ended_at) w.string(timestamp_chars(*r.ended_at).view());
  else w.null();
  write_time(w, "created_at", r.created_at);
  write_time(w, "updated_at", r.updated_at);
  write_identity(w, r.identity);
  w.key("config");
  w.value(r.config);
  write_string_map(w, "config_fields", r.config_fields);
  write_explanation(w, r.explanation);
  w.member("error", r.error);
  w.member_bool("cache_hit", r.cache_hit);
  w.member("cache_source", r.cache_source);
  w.key("span_stats");
  w.begin_array();
  for (const auto& s : r.span_stats) {
    w.begin_object();
    w.member("name", s.name);
    w.member("file", s.file);
    w.member_uint("line", s.line);
    w.member_bool("timed", s.timed);
    w.member_uint("count", s.count);
    w.member_uint("total_ns", s.total_ns);
    w.member_uint("min_ns", s.min_ns);
    w.member_uint("max_ns", s.max_ns);
    w.member_uint("threads", s.threads);
    w.end_object();
  }
  w.end_array();
  w.key("links");
  w.begin_array();
  for (const auto& l : r.links) {
    w.begin_object();
    w.member("run_id", l.run_id);
    w.member("artifact_id", l.artifact_id);
    w.member("key", l.key);
    w.member("direction", to_string(l.direction));
    w.end_object();
  }
  w.end_array();
  w.member_int("pid", r.pid);
  w.member("host", r.host);
  w.member("boot_id", r.boot_id);
  if (!r.span_ranks.empty()) {
    w.key("span_ranks");
    w.begin_array();
    for (const auto& s : r.span_ranks) {
      w.begin_object();
      w.member("name", s.name);
      w.member("file", s.file);
      w.member_uint("line", s.line);
      w.member_bool("timed", s.timed);
      w.member_uint("ranks", s.ranks);
      w.member_uint("entered", s.entered);
      w.member_uint("count_min", s.count_min);
      w.member_uint("count_max", s.count_max);
      w.member_uint("count_sum", s.count_sum);
      w.member_uint("total_ns_min", s.total_ns_min);
      w.member_uint("total_ns_max", s.total_ns_max);
      w.member_uint("total_ns_sum", s.total_ns_sum);
      w.member_uint("slowest_rank", s.slowest_rank);
      w.end_object();
    }
    w.end_array();
  }
}

void write_record_text(const run_record& r, std::string& out) {
  json_writer w(out);
  w.begin_object();
  write_record_members(w, r);
  w.end_object();
}

void write_artifact(json_writer& w, const artifact& a) {
  w.begin_object();
  w.member("id", a.id);
  w.member("key", a.key);
  w.member("location", a.location);
  w.member("driver", a.driver);
  w.member("fingerprint", a.fingerprint);
  w.member("fingerprint_strategy", a.fingerprint_strategy);
  w.member_uint("size", a.size);
  w.member_bool("is_directory", a.is_directory);
  w.member("producing_run_id", a.producing_run_id);
  w.member("producing_signature", a.producing_signature);
  write_time(w, "created_at", a.created_at);
  w.end_object();
}

void write_artifact_text(const artifact& a, std::string& out) {
  json_writer w(out);
  write_artifact(w, a);
}

}  // namespace consist::inline v0::detail
