#pragma once
// Body of <consist/store/record_codec.hpp>.

#include <consist/store/record_codec.hpp>

#include <consist/detail/json_parse.hpp>
#include <consist/detail/record_text.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <utility>

namespace consist::inline v0 {

namespace detail {

boost::json::array string_array(const std::vector<std::string>& v) {
  boost::json::array a;
  a.reserve(v.size());
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

inline boost::json::object string_map(const std::vector<std::pair<std::string, std::string>>& v) {
  boost::json::object o;
  o.reserve(v.size());
  for (const auto& [k, val] : v) o[k] = val;
  return o;
}

inline run_status parse_status(json_fields& f, std::string_view key) {
  const auto s = f.string(key);
  for (auto st : {run_status::running, run_status::completed, run_status::failed})
    if (s == to_string(st)) return st;
  throw integrity_error(std::string(f.source()) + ": field '" + f.child_path(key) + "' has the unknown status '" +
                            s.substr(0, 40) + "'",
                        "expected running, completed or failed", "correct the status");
}

inline link_direction parse_direction(json_fields& f, std::string_view key) {
  const auto s = f.string(key);
  if (s == "input") return link_direction::input;
  if (s == "output") return link_direction::output;
  throw integrity_error(std::string(f.source()) + ": field '" + f.child_path(key) + "' has the unknown direction '" +
                            s.substr(0, 40) + "'",
                        "expected input or output", "correct the direction");
}

boost::json::object identity_to_json(const identity_components& c) {
  return {{"signature", c.signature},
          {"config_hash", c.config_hash},
          {"input_hash", c.input_hash},
          {"code_hash", c.code_hash},
          {"code_mode", c.code_mode},
          {"code_version", c.code_version},
          {"adapter_name", c.adapter_name},
          {"adapter_version", c.adapter_version},
          {"schema_hash", c.schema_hash},
          {"model", c.model},
          {"year", optional_int(c.year)},
          {"iteration", optional_int(c.iteration)},
          {"cache_epoch", c.cache_epoch},
          {"cache_version", c.cache_version},
          {"identity_inputs", string_map(c.identity_inputs)},
          {"inputs", string_map(c.inputs)}};
}

identity_components identity_from_json(const boost::json::value& v, std::string_view source) {
  json_fields f(v, "identity", source);
  identity_components c;
  c.signature = f.string("signature");
  c.config_hash = f.string("config_hash");
  c.input_hash = f.string("input_hash");
  c.code_hash = f.string("code_hash");
  c.code_mode = f.string("code_mode");
  c.code_version = f.string("code_version");
  c.adapter_name = f.string("adapter_name");
  c.adapter_version = static_cast<std::uint32_t>(f.uint64("adapter_version", UINT32_MAX));
  c.schema_hash = f.uint64("schema_hash");
  c.model = f.string("model");
  c.year = f.opt_int64("year");
  c.iteration = f.opt_int64("iteration");
  c.cache_epoch = f.uint64("cache_epoch");
  c.cache_version = f.string("cache_version");
  c.identity_inputs = f.string_map("identity_inputs");
  c.inputs = f.string_map("inputs");
  f.done();
  return c;
}

inline boost::json::value explanation_to_json(const std::optional<miss_explanation>& e) {
  if (!e) return nullptr;
  return boost::json::object{{"reason", e->reason},
                             {"nearest_run_id", e->nearest_run_id},
                             {"changed_components", string_array(e->changed_components)},
                             {"changed_config_fields", string_array(e->changed_config_fields)},
                             {"changed_inputs", string_array(e->changed_inputs)}};
}

inline std::optional<miss_explanation> explanation_from_json(const boost::json::value& v, std::string_view source) {
  if (v.is_null()) return std::nullopt;
  json_fields f(v, "explanation", source);
  miss_explanation e;
  e.reason = f.string("reason");
  e.nearest_run_id = f.string("nearest_run_id");
  e.changed_components = f.strings("changed_components");
  e.changed_config_fields = f.strings("changed_config_fields");
  e.changed_inputs = f.strings("changed_inputs");
  f.done();
  return e;
}

inline boost::json::object span_to_json(const span_stat& s) {
  return {{"name", s.name},   {"file", s.file},         {"line", s.line},       {"timed", s.timed},
          {"count", s.count}, {"total_ns", s.total_ns}, {"min_ns", s.min_ns}, {"max_ns", s.max_ns},
          {"threads", s.threads}};
}

inline span_stat span_from_json(const boost::json::value& v, std::string path, std::string_view source) {
  json_fields f(v, std::move(path), source);
  span_stat s;
  s.name = f.string("name");
  s.file = f.string("file");
  s.line = static_cast<std::uint32_t>(f.uint64("line", UINT32_MAX));
  s.timed = f.boolean("timed");
  s.count = f.uint64("count");
  s.total_ns = f.uint64("total_ns");
  s.min_ns = f.uint64("min_ns");
  s.max_ns = f.uint64("max_ns");
  s.threads = static_cast<std::uint32_t>(f.uint64("threads", UINT32_MAX));
  f.done();
  return s;
}

inline boost::json::object span_rank_to_json(const span_rank_stat& s) {
  return {{"name", s.name},
          {"file", s.file},
          {"line", s.line},
          {"timed", s.timed},
          {"ranks", s.ranks},
          {"entered", s.entered},
          {"count_min", s.count_min},
          {"count_max", s.count_max},
          {"count_sum", s.count_sum},
          {"total_ns_min", s.total_ns_min},
          {"total_ns_max", s.total_ns_max},
          {"total_ns_sum", s.total_ns_sum},
          {"slowest_rank", s.slowest_rank}};
}

inline span_rank_stat span_rank_from_json(const boost::json::value& v, std::string path, std::string_view source) {
  json_fields f(v, std::move(path), source);
  span_rank_stat s;
  s.name = f.string("name");
  s.file = f.string("file");
  s.line = static_cast<std::uint32_t>(f.uint64("line", UINT32_MAX));
  s.timed = f.boolean("timed");
  s.ranks = static_cast<std::uint32_t>(f.uint64("ranks", UINT32_MAX));
  s.entered = static_cast<std::uint32_t>(f.uint64("entered", UINT32_MAX));
  s.count_min = f.uint64("count_min");
  s.count_max = f.uint64("count_max");
  s.count_sum = f.uint64("count_sum");
  s.total_ns_min = f.uint64("total_ns_min");
  s.total_ns_max = f.uint64("total_ns_max");
  s.total_ns_sum = f.uint64("total_ns_sum");
  s.slowest_rank = static_cast<std::uint32_t>(f.uint64("slowest_rank", UINT32_MAX));
  f.done();
  return s;
}

inline boost::json::object link_to_json(const artifact_link& l) {
  return {{"run_id", l.run_id}, {"artifact_id", l.artifact_id}, {"key", l.key}, {"direction", to_string(l.direction)}};
}

inline artifact_link link_from_json(const boost::json::value& v, std::string path, std::string_view source) {
  json_fields f(v, std::move(path), source);
  artifact_link l;
  l.run_id = f.string("run_id");
  l.artifact_id = f.string("artifact_id");
  l.key = f.string("key");
  l.direction = parse_direction(f, "direction");
  f.done();
  return l;
}

boost::json::value parse_json_text(std::string_view text, std::string_view source, boost::json::storage_ptr storage) {
  boost::json::parse_options opts;
  opts.max_depth = 512;
  // A string of a record holds what the program gave it (a config value, a
  // description, meta), which need not be UTF-8: it is written byte for byte
  // and must read back the same, or the record could never be read again.
  opts.allow_invalid_utf8 = true;
  // Doubles read exactly: Boost.JSON's own parse could turn one into its neighbour.
  auto parsed = detail::parse_json_exact(text, opts, false, std::move(storage));
  if (parsed.ec)
    throw integrity_error(std::string(source) + " is not valid JSON: " + parsed.ec.message(),
                          "the file was truncated (e.g. a crash while copying), edited by hand, or damaged",
                          "restore it: snapshots are re-created from the store, the store from snapshots");
  return std::move(parsed.value);
}

// The fields every record has (all but span_ranks).
inline boost::json::object record_fields_to_json(const run_record& r) {
  boost::json::array spans, links;
  spans.reserve(r.span_stats.size());
  for (const auto& s : r.span_stats) spans.emplace_back(detail::span_to_json(s));
  links.reserve(r.links.size());
  for (const auto& l : r.links) links.emplace_back(detail::link_to_json(l));
  return {{"id", r.id},
          {"parent_run_id", r.parent_run_id},
          {"status", to_string(r.status)},
          {"model_name", r.model_name},
          {"description", r.description},
          {"year", detail::optional_int(r.year)},
          {"iteration", detail::optional_int(r.iteration)},
          {"stage", r.stage},
          {"phase", r.phase},
          {"tags", detail::string_array(r.tags)},
          {"config_hash", r.config_hash},
          {"input_hash", r.input_hash},
          {"code_hash", r.code_hash},
          {"signature", r.signature},
          {"meta", r.meta},
          {"started_at", detail::format_timestamp(r.started_at)},
          {"ended_at", r.ended_at ? boost::json::value(detail::format_timestamp(*r.ended_at))
                                  : boost::json::value(nullptr)},
          {"created_at", detail::format_timestamp(r.created_at)},
          {"updated_at", detail::format_timestamp(r.updated_at)},
          {"identity", detail::identity_to_json(r.identity)},
          {"config", r.config},
          {"config_fields", detail::string_map(r.config_fields)},
          {"explanation", detail::explanation_to_json(r.explanation)},
          {"error", r.error},
          {"cache_hit", r.cache_hit},
          {"cache_source", r.cache_source},
          {"span_stats", std::move(spans)},
          {"links", std::move(links)},
          {"pid", r.pid},
          {"host", r.host},
          {"boot_id", r.boot_id}};
}

}  // namespace detail

boost::json::object record_to_json(const run_record& r) {
  boost::json::object o = detail::record_fields_to_json(r);
  if (!r.span_ranks.empty()) {
    boost::json::array ranks;
    ranks.reserve(r.span_ranks.size());
    for (const auto& s : r.span_ranks) ranks.emplace_back(detail::span_rank_to_json(s));
    o["span_ranks"] = std::move(ranks);
  }
  return o;
}

run_record record_from_json(const boost::json::value& v, std::string_view source,
                            std::span<const std::string_view> extra_keys) {
  detail::json_fields f(v, "", source);
  run_record r;
  r.id = f.string("id");
  r.parent_run_id = f.string("parent_run_id");
  r.status = detail::parse_status(f, "status");
  r.model_name = f.string("model_name");
  r.description = f.string("description");
  r.year = f.opt_int64("year");
  r.iteration = f.opt_int64("iteration");
  r.stage = f.string("stage");
  r.phase = f.string("phase");
  r.tags = f.strings("tags");
  r.config_hash = f.string("config_hash");
  r.input_hash = f.string("input_hash");
  r.code_hash = f.string("code_hash");
  r.signature = f.string("signature");
  r.meta = f.object("meta");
  r.started_at = f.time("started_at");
  r.ended_at = f.opt_time("ended_at");
  r.created_at = f.time("created_at");
  r.updated_at = f.time("updated_at");
  r.identity = detail::identity_from_json(f.at("identity"), source);
  r.config = f.at("config");
  r.config_fields = f.string_map("config_fields");
  r.explanation = detail::explanation_from_json(f.at("explanation"), source);
  r.error = f.string("error");
  r.cache_hit = f.boolean("cache_hit");
  r.cache_source = f.string("cache_source");
  const auto& spans = f.array("span_stats");
  r.span_stats.reserve(spans.size());
  for (std::size_t i = 0; i < spans.size(); ++i)
    r.span_stats.push_back(detail::span_from_json(spans[i], "span_stats[" + std::to_string(i) + "]", source));
  if (const auto* ranks = f.if_present("span_ranks")) {
    if (!ranks->is_array()) f.fail("span_ranks", "an array", *ranks);
    const auto& a = ranks->get_array();
    r.span_ranks.reserve(a.size());
    for (std::size_t i = 0; i < a.size(); ++i)
      r.span_ranks.push_back(detail::span_rank_from_json(a[i], "span_ranks[" + std::to_string(i) + "]", source));
  }
  const auto& links = f.array("links");
  r.links.reserve(links.size());
  for (std::size_t i = 0; i < links.size(); ++i)
    r.links.push_back(detail::link_from_json(links[i], "links[" + std::to_string(i) + "]", source));
  r.pid = f.int64("pid");
  r.host = f.string("host");
  r.boot_id = f.string("boot_id");
  f.done(extra_keys);
  return r;
}

boost::json::object artifact_to_json(const artifact& a) {
  return {{"id", a.id},
          {"key", a.key},
          {"location", a.location},
          {"driver", a.driver},
          {"fingerprint", a.fingerprint},
          {"fingerprint_strategy", a.fingerprint_strategy},
          {"size", a.size},
          {"is_directory", a.is_directory},
          {"producing_run_id", a.producing_run_id},
          {"producing_signature", a.producing_signature},
          {"created_at", detail::format_timestamp(a.created_at)}};
}

artifact artifact_from_json(const boost::json::value& v, std::string_view source, std::string path) {
  detail::json_fields f(v, std::move(path), source);
  artifact a;
  a.id = f.string("id");
  a.key = f.string("key");
  a.location = f.string("location");
  a.driver = f.string("driver");
  a.fingerprint = f.string("fingerprint");
  a.fingerprint_strategy = f.string("fingerprint_strategy");
  a.size = f.uint64("size");
  a.is_directory = f.boolean("is_directory");
  a.producing_run_id = f.string("producing_run_id");
  a.producing_signature = f.string("producing_signature");
  a.created_at = f.time("created_at");
  f.done();
  return a;
}

// Written directly: the same text as serialize(record_to_json(r)), without
// building the object first (detail/record_text.hpp).
std::string record_to_text(const run_record& r) {
  std::string out;
  out.reserve(2048);
  detail::write_record_text(r, out);
  return out;
}

run_record record_from_text(std::string_view text, std::string_view source) {
  return detail::decode_json_text(text, source,
                                  [&](const boost::json::value& doc) { return record_from_json(doc, source); });
}

std::string artifact_to_text(const artifact& a) {
  std::string out;
  out.reserve(512);
  detail::write_artifact_text(a, out);
  return out;
}

artifact artifact_from_text(std::string_view text, std::string_view source) {
  return detail::decode_json_text(text, source,
                                  [&](const boost::json::value& doc) { return artifact_from_json(doc, source); });
}

}  // namespace consist::inline v0
