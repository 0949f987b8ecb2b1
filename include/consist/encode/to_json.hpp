#pragma once
// Encodable values as Boost.JSON values, for the per-run JSON snapshot that
// holds the full config. Readable and deterministic:
//   struct              object, fields in declaration order
//   map, string keys    object (std::string, std::string_view or path keys)
//   other maps          array of [key, value]
//   vector, array, set, tuple, pair   array
//   optional            null when empty
//   enum                its underlying number
//   integers            exact (int64 / uint64), char types as numbers
//   float, double       number; NaN and infinities as "nan", "inf", "-inf"
//   path                its generic string
//   custom types        consist_to_json(value), found next to the type
// Unordered containers are written in a fixed order (object keys ascending,
// other entries by their canonical encoding), so equal values give equal JSON.

#include <consist/detail/encode_support.hpp>
#include <consist/detail/encode_write.hpp>
#include <consist/encode/canonical.hpp>
#include <consist/encode/reflect.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace consist::inline v0 {

/// Types to_json accepts: encodable, and custom types with consist_to_json.
template <class T>
concept json_convertible = detail::supports<detail::json_policy, T>();

namespace detail {

template <class T>
boost::json::value json_of(const T& v);

/// The elements of an unordered container in the order of their canonical
/// encodings (of key_of(element)), so the JSON does not depend on hashing.
template <class Range, class KeyOf>
std::vector<const typename Range::value_type*> in_encoded_order(const Range& range, KeyOf key_of) {
  std::vector<std::pair<std::vector<std::uint8_t>, const typename Range::value_type*>> keyed;
  keyed.reserve(range.size());
  for (const auto& e : range) {
    keyed.emplace_back();
    buffer_sink sink(keyed.back().first);
    detail::write_value<encoding_mode::canonical>(sink, key_of(e));
    keyed.back().second = &e;
  }
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const typename Range::value_type*> out;
  out.reserve(keyed.size());
  for (const auto& k : keyed) out.push_back(k.second);
  return out;
}

template <class Range, class KeyOf>
std::vector<const typename Range::value_type*> in_json_order(const Range& range, KeyOf key_of) {
  using U = std::remove_cv_t<Range>;
  if constexpr (is_specialization_v<U, std::unordered_map> || is_specialization_v<U, std::unordered_set>) {
    return detail::in_encoded_order(range, key_of);
  } else {
    std::vector<const typename Range::value_type*> out;
    out.reserve(range.size());
    for (const auto& e : range) out.push_back(&e);
    return out;
  }
}

template <class T>
inline constexpr bool is_string_key_v = kind_v<T> == value_kind::string || kind_v<T> == value_kind::string_view ||
                                        kind_v<T> == value_kind::path;

template <class K>
std::string json_key(const K& key) {
  if constexpr (kind_v<K> == value_kind::path) return key.generic_string();
  else return std::string(key);
}

template <class Range>
boost::json::array json_array_of(const Range& range) {
  boost::json::array out;
  out.reserve(range.size());
  for (const auto& e : range) out.push_back(detail::json_of(e));
  return out;
}

template <class T>
boost::json::value json_of(const T& v) {
  using U = std::remove_cv_t<T>;
  using enum value_kind;
  constexpr value_kind k = kind_v<U>;
  if constexpr (k == boolean) {
    return boost::json::value(v);
  } else if constexpr (k == integer) {
    if constexpr (std::is_signed_v<U>) return boost::json::value(static_cast<std::int64_t>(v));
    else return boost::json::value(static_cast<std::uint64_t>(v));
  } else if constexpr (k == floating) {
    if (std::isnan(v)) return boost::json::value("nan");
    if (std::isinf(v)) return boost::json::value(v > 0 ? "inf" : "-inf");
    return boost::json::value(static_cast<double>(v));
  } else if constexpr (k == string || k == string_view) {
    return boost::json::value(boost::json::string_view(v.data(), v.size()));
  } else if constexpr (k == value_kind::path) {
    return boost::json::value(v.generic_string());
  } else if constexpr (k == enumeration) {
    return detail::json_of(static_cast<std::underlying_type_t<U>>(v));
  } else if constexpr (k == value_kind::optional) {
    return v ? detail::json_of(*v) : boost::json::value(nullptr);
  } else if constexpr (k == value_kind::vector || k == value_kind::array) {
    return detail::json_array_of(v);
  } else if constexpr (k == value_kind::set) {
    boost::json::array out;
    const auto elements = detail::in_json_order(v, [](const auto& x) -> const auto& { return x; });
    for (const auto* e : elements) out.push_back(detail::json_of(*e));
    return out;
  } else if constexpr (k == value_kind::map) {
    if constexpr (is_string_key_v<typename U::key_type>) {
      std::vector<std::pair<std::string, const typename U::mapped_type*>> keyed;
      keyed.reserve(v.size());
      for (const auto& [key, value] : v) keyed.emplace_back(detail::json_key(key), &value);
      std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      boost::json::object out;
      out.reserve(keyed.size());
      for (const auto& [key, value] : keyed) out.emplace(key, detail::json_of(*value));
      return out;
    } else {
      const auto entries = detail::in_json_order(v, [](const auto& kv) -> const auto& { return kv.first; });
      boost::json::array out;
      out.reserve(entries.size());
      for (const auto* e : entries)
        out.push_back(boost::json::array{detail::json_of(e->first), detail::json_of(e->second)});
      return out;
    }
  } else if constexpr (k == value_kind::tuple) {
    boost::json::array out;
    std::apply([&](const auto&... e) { (out.push_back(detail::json_of(e)), ...); }, v);
    return out;
  } else if constexpr (k == structure) {
    boost::json::object out;
    out.reserve(struct_fields<U>::size);
    for_each_field_declared<U>([&](auto i) {
      constexpr std::size_t index = decltype(i)::value;
      out.emplace(struct_fields<U>::names[index], detail::json_of(struct_fields<U>::template get<index>(v)));
    });
    return out;
  } else if constexpr (k == custom) {
    return boost::json::value(consist_to_json(v));
  } else {
    static_assert(dependent_false<U>, "consist: json_of reached a type that is not json_convertible");
  }
}

}  // namespace detail

/// The JSON form of `value` described at the top of this header. A type it
/// cannot convert is a compile error naming it and the fix.
template <class T>
boost::json::value to_json(const T& value) {
  if constexpr (json_convertible<T>) {
    return detail::json_of(value);
  } else {
    detail::diagnose<detail::json_policy, T>();
    return nullptr;
  }
}

}  // namespace consist::inline v0
