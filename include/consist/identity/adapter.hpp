#pragma once
// Config adapters: how a run's config becomes part of its identity.
//
// An adapter is a type with
//   static constexpr std::string_view name;      recorded, part of identity
//   static constexpr std::uint32_t version;      bump when the encoding changes
//   template <class T> static constexpr bool accepts;
//   static digest128 digest(const T&);           the config hash (hot path)
//   static config_description describe(const T&); fields + JSON, on a miss
// reflect_adapter (the default) encodes Boost.Hana-reflected structs;
// json_adapter encodes a Boost.JSON value or a JSON input-deck file.

#include <consist/detail/config.hpp>
#include <consist/encode/canonical.hpp>
#include <consist/encode/json.hpp>
#include <consist/encode/reflect.hpp>
#include <consist/encode/to_json.hpp>

#include <boost/json/value.hpp>

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <type_traits>
#include <vector>

namespace consist::inline v0 {

/// What a miss records about the config: per-field digests (to name the
/// fields that changed) and the full value as JSON (for the snapshot).
struct config_description {
  std::vector<field_digest> fields;
  boost::json::value json;
  std::uint64_t schema_hash = 0;
};

template <class A, class T>
concept config_adapter_for = requires(const T& c) {
  { A::name } -> std::convertible_to<std::string_view>;
  { A::version } -> std::convertible_to<std::uint32_t>;
  requires A::template accepts<T>;
  { A::digest(c) } -> std::same_as<digest128>;
  { A::describe(c) } -> std::same_as<config_description>;
};

/// The default adapter: any encodable type, above all a struct reflected with
/// BOOST_HANA_DEFINE_STRUCT / BOOST_HANA_ADAPT_STRUCT.
struct reflect_adapter {
  static constexpr std::string_view name = "reflect";
  static constexpr std::uint32_t version = 1;

  template <class T>
  static constexpr bool accepts = encodable<T>;

  template <class T>
  static digest128 digest(const T& c) {
    return consist::digest(c);
  }
  template <class T>
  static config_description describe(const T& c) {
    return {field_digests(c), to_json(c), schema_hash<T>()};
  }
};

/// A Boost.JSON value, or the path of a JSON input deck, canonicalised: key
/// order, whitespace and number spelling do not matter; values do.
struct json_adapter {
  static constexpr std::string_view name = "json";
  static constexpr std::uint32_t version = 1;

  template <class T>
  static constexpr bool accepts =
      std::is_same_v<T, boost::json::value> || std::is_same_v<T, std::filesystem::path>;

  static digest128 digest(const boost::json::value& v) { return json_digest(v); }
  CONSIST_DECL static digest128 digest(const std::filesystem::path& deck);
  CONSIST_DECL static config_description describe(const boost::json::value& v);
  CONSIST_DECL static config_description describe(const std::filesystem::path& deck);
};

namespace detail {
/// Checked where run/trace see the config option, so the message names the fix.
template <class Adapter, class T>
constexpr bool check_config_adaptable() {
  static_assert(!std::is_same_v<Adapter, reflect_adapter> || !std::is_same_v<T, std::filesystem::path>,
                "consist::config{path} with the default reflect_adapter would hash the path's text, not the "
                "file: for a JSON input deck write t.run<consist::json_adapter>(...); for a file whose "
                "content matters pass it in consist::inputs{...} or consist::identity_inputs{...}; to hash "
                "the text of a path, make it a member of a reflected config struct");
  static_assert(Adapter::template accepts<T>,
                "consist::config{...} holds a type this Adapter cannot encode: reflect the struct with "
                "BOOST_HANA_DEFINE_STRUCT or BOOST_HANA_ADAPT_STRUCT, give it the consist_encode "
                "customization point, or choose another Adapter (e.g. consist::json_adapter)");
  static_assert(!Adapter::template accepts<T> || config_adapter_for<Adapter, T>,
                "the Adapter template argument does not satisfy consist::config_adapter_for: it needs "
                "name, version, accepts<T>, digest(const T&) and describe(const T&)");
  return true;
}
}  // namespace detail

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/identity/impl/adapter.ipp>
#endif
