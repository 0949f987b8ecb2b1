#pragma once
// Body of <consist/detail/packed_record.hpp>.

#include <consist/detail/packed_record.hpp>

#include <consist/error.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <concepts>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace consist::inline v0::detail {

namespace packing {

// One list of members per struct, walked by pack and unpack alike.
template <class R, class F>
  requires std::same_as<std::remove_const_t<R>, identity_components>
void members(R& r, F&& f) {
  f(r.signature, r.config_hash, r.input_hash, r.code_hash, r.code_mode, r.code_version, r.adapter_name,
    r.adapter_version, r.schema_hash, r.model, r.year, r.iteration, r.cache_epoch, r.cache_version,
    r.identity_inputs, r.inputs);
}
template <class R, class F>
  requires std::same_as<std::remove_const_t<R>, miss_explanation>
void members(R& r, F&& f) {
  f(r.reason, r.nearest_run_id, r.changed_components, r.changed_config_fields, r.changed_inputs);
}
template <class R, class F>
  requires std::same_as<std::remove_const_t<R>, span_stat>
void members(R& r, F&& f) {
  f(r.name, r.file, r.line, r.timed, r.count, r.total_ns, r.min_ns, r.max_ns, r.threads);
}
template <class R, class F>
  requires std::same_as<std::remove_const_t<R>, span_rank_stat>
void members(R& r, F&& f) {
  f(r.name, r.file, r.line, r.timed, r.ranks, r.entered, r.count_min, r.count_max, r.count_sum, r.total_ns_min,
    r.total_ns_max, r.total_ns_sum, r.slowest_rank);
}
template <class R, class F>
  requires std::same_as<std::remove_const_t<R>, artifact_link>
void members(R& r, F&& f) {
  f(r.run_id, r.artifact_id, r.key, r.direction);
}
template <class R, class F>
  requires std::same_as<std::remove_const_t<R>, run_record>
void members(R& r, F&& f) {
  f(r.id, r.parent_run_id, r.status, r.model_name, r.description, r.year, r.iteration, r.stage, r.phase, r.tags,
    r.config_hash, r.input_hash, r.code_hash, r.signature, r.meta, r.started_at, r.ended_at, r.created_at,
    r.updated_at, r.identity, r.config, r.config_fields, r.explanation, r.error, r.cache_hit, r.cache_source,
    r.span_stats, r.span_ranks, r.links, r.pid, r.host, r.boot_id);
}

template <class T>
concept with_members = requires(const T& t) { members(t, [](const auto&...) {}); };

/// Counts the bytes a pack takes.
struct counter {
  std::size_t n = 0;
  void put(const void*, std::size_t k) noexcept { n += k; }
};

/// Writes them into a block sized by a counter.
struct writer {
  char* p;
  void put(const void* s, std::size_t k) noexcept {
    if (k != 0) std::memcpy(p, s, k);
    p += k;
  }
};

[[noreturn]] inline void malformed() {
  throw integrity_error("a run record queued for the store's writer could not be unpacked",
                        "a defect in consist: the packed form of a record and its reader disagree",
                        "report it to consist's maintainers; the record was not written, the store is intact");
}

struct reader {
  const char* p;
  const char* end;
  void take(void* out, std::size_t k) {
    if (static_cast<std::size_t>(end - p) < k) malformed();
    if (k != 0) std::memcpy(out, p, k);
    p += k;
  }
  std::string_view view(std::size_t k) {
    if (static_cast<std::size_t>(end - p) < k) malformed();
    const std::string_view v(p, k);
    p += k;
    return v;
  }
  /// A count of elements (or characters) that each take at least one byte.
  std::size_t count() {
    std::uint64_t n = 0;
    take(&n, sizeof n);
    if (n > static_cast<std::uint64_t>(end - p)) malformed();
    return static_cast<std::size_t>(n);
  }
};

enum class json_tag : std::uint8_t { null, false_, true_, int64, uint64, double_, string, array, object };

// Packing.
template <class Sink, class T>
  requires(std::is_arithmetic_v<T> && !std::same_as<T, bool>)
void put(Sink& s, const T& v) {
  s.put(&v, sizeof v);
}
template <class Sink>
void put(Sink& s, bool v) {
  const auto b = static_cast<std::uint8_t>(v);
  s.put(&b, 1);
}
template <class Sink, class E>
  requires std::is_enum_v<E>
void put(Sink& s, E v) {
  put(s, static_cast<std::uint8_t>(v));
}
template <class Sink>
void put(Sink& s, std::string_view v) {
  put(s, std::uint64_t{v.size()});
  s.put(v.data(), v.size());
}
template <class Sink>
void put(Sink& s, const std::string& v) {
  put(s, std::string_view(v));
}
template <class Sink>
void put(Sink& s, timestamp t) {
  put(s, std::int64_t{t.time_since_epoch().count()});
}
template <class Sink, class T>
void put(Sink& s, const std::optional<T>& v) {
  put(s, v.has_value());
  if (v) put(s, *v);
}
template <class Sink, class A, class B>
void put(Sink& s, const std::pair<A, B>& v) {
  put(s, v.first);
  put(s, v.second);
}
template <class Sink, class T>
void put(Sink& s, const std::vector<T>& v) {
  put(s, std::uint64_t{v.size()});
  for (const auto& e : v) put(s, e);
}
template <class Sink>
void put(Sink& s, const boost::json::value& v);
template <class Sink>
void put(Sink& s, const boost::json::object& o) {
  put(s, std::uint64_t{o.size()});
  for (const auto& kv : o) {
    put(s, std::string_view(kv.key()));
    put(s, kv.value());
  }
}
template <class Sink>
void put(Sink& s, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return put(s, json_tag::null);
    case boost::json::kind::bool_: return put(s, v.get_bool() ? json_tag::true_ : json_tag::false_);
    case boost::json::kind::int64: put(s, json_tag::int64); return put(s, v.get_int64());
    case boost::json::kind::uint64: put(s, json_tag::uint64); return put(s, v.get_uint64());
    case boost::json::kind::double_: put(s, json_tag::double_); return put(s, v.get_double());
    case boost::json::kind::string: put(s, json_tag::string); return put(s, std::string_view(v.get_string()));
    case boost::json::kind::array:
      put(s, json_tag::array);
      put(s, std::uint64_t{v.get_array().size()});
      for (const auto& e : v.get_array()) put(s, e);
      return;
    case boost::json::kind::object: put(s, json_tag::object); return put(s, v.get_object());
  }
}
template <class Sink, with_members T>
void put(Sink& s, const T& v) {
  members(v, [&](const auto&... m) { (put(s, m), ...); });
}

// Unpacking.
template <class T>
  requires(std::is_arithmetic_v<T> && !std::same_as<T, bool>)
void get(reader& in, T& v) {
  in.take(&v, sizeof v);
}
inline void get(reader& in, bool& v) {
  std::uint8_t b = 0;
  in.take(&b, 1);
  if (b > 1) malformed();
  v = b == 1;
}
template <class E>
  requires std::is_enum_v<E>
void get(reader& in, E& v) {
  std::uint8_t b = 0;
  in.take(&b, 1);
  v = static_cast<E>(b);
  if (std::string_view(to_string(v)) == "?") malformed();
}
inline void get(reader& in, std::string& v) {
  const auto text = in.view(in.count());
  v.assign(text.data(), text.size());
}
inline void get(reader& in, timestamp& t) {
  std::int64_t ns = 0;
  get(in, ns);
  t = timestamp(std::chrono::nanoseconds(ns));
}
template <class T>
void get(reader& in, std::optional<T>& v) {
  bool present = false;
  get(in, present);
  if (!present) return v.reset();
  get(in, v ? *v : v.emplace());  // a value there is overwritten whole, keeping its buffers
}
template <class A, class B>
void get(reader& in, std::pair<A, B>& v) {
  get(in, v.first);
  get(in, v.second);
}
template <class T>
void get(reader& in, std::vector<T>& v) {
  v.resize(in.count());
  for (auto& e : v) get(in, e);
}
inline void get(reader& in, boost::json::value& v);
inline void get(reader& in, boost::json::object& o) {
  const std::size_t n = in.count();
  o.clear();
  o.reserve(n);
  std::string key;
  for (std::size_t i = 0; i < n; ++i) {
    get(in, key);
    get(in, o[key]);
  }
}
inline void get(reader& in, boost::json::value& v) {
  std::uint8_t t = 0;
  in.take(&t, 1);
  switch (static_cast<json_tag>(t)) {
    case json_tag::null: v = nullptr; return;
    case json_tag::false_: v = false; return;
    case json_tag::true_: v = true; return;
    case json_tag::int64: get(in, v.emplace_int64()); return;
    case json_tag::uint64: get(in, v.emplace_uint64()); return;
    case json_tag::double_: get(in, v.emplace_double()); return;
    // A string, array or object there already is reused: overwritten whole, keeping its buffer.
    case json_tag::string: (v.is_string() ? v.get_string() : v.emplace_string()) = in.view(in.count()); return;
    case json_tag::array: {
      auto& a = v.is_array() ? v.get_array() : v.emplace_array();
      a.resize(in.count());
      for (auto& e : a) get(in, e);
      return;
    }
    case json_tag::object: get(in, v.is_object() ? v.get_object() : v.emplace_object()); return;
  }
  malformed();
}
template <with_members T>
void get(reader& in, T& v) {
  members(v, [&](auto&... m) { (get(in, m), ...); });
}

}  // namespace packing

packed_record::packed_record(const run_record& r) {
  packing::counter c;
  packing::put(c, r);
  size_ = c.n;
  bytes_ = std::make_unique_for_overwrite<char[]>(size_);
  packing::writer w{bytes_.get()};
  packing::put(w, r);
}

run_record packed_record::unpack_record(std::string_view bytes) {
  run_record r;
  unpack_record_into(bytes, r);
  return r;
}

void packed_record::unpack_record_into(std::string_view bytes, run_record& r) {
  packing::reader in{bytes.data(), bytes.data() + bytes.size()};
  packing::get(in, r);
  if (in.p != in.end) packing::malformed();
}

}  // namespace consist::inline v0::detail
