#pragma once
// Which types each encoder supports, and the compile errors for those it does
// not. A policy says whether a type is acceptable by itself (its parts are
// walked separately) and, if not, which error to raise. diagnose<> walks down
// to the innermost offending type, so the compiler's "in instantiation of ...
// [with Type = X; InStruct = Y]" note names the member at fault, and the
// message says how to fix it.

#include <consist/detail/encode_traits.hpp>

#include <concepts>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace consist::inline v0::detail {

template <class Type, class InStruct>
constexpr void cannot_encode() {
  static_assert(dependent_false<Type, InStruct>,
                "consist cannot encode this type (named as Type, held by InStruct, in this error's template "
                "arguments): "
                "adapt it with BOOST_HANA_ADAPT_STRUCT (or declare it with BOOST_HANA_DEFINE_STRUCT), "
                "or provide consist_encode and consist_schema next to it (see consist/encode/reflect.hpp)");
}

template <class Type>
constexpr void partially_reflected() {
  static_assert(dependent_false<Type>,
                "consist sees only some of this struct's state (named as Type in this error's template "
                "arguments): a member declared outside BOOST_HANA_DEFINE_STRUCT, a member left out of "
                "BOOST_HANA_ADAPT_STRUCT, or a base class (whose members the derived struct's reflection "
                "does not name) would not be part of the identity nor restored from the store: name every "
                "member, the bases' too, in one BOOST_HANA_DEFINE_STRUCT or BOOST_HANA_ADAPT_STRUCT of the "
                "struct itself, or provide consist_encode and consist_schema next to it (see "
                "consist/encode/reflect.hpp)");
}

template <class Type>
constexpr void custom_needs_schema() {
  static_assert(dependent_false<Type>,
                "this type has a consist_ customization but no consist_schema: also provide "
                "'constexpr std::string_view consist_schema(consist::type_t<T>)' next to it, returning a "
                "name that changes whenever its encoding changes (see consist/encode/reflect.hpp)");
}

template <class Type>
constexpr void custom_needs_encode() {
  static_assert(dependent_false<Type>,
                "this type has consist_schema (or consist_serialize) but no consist_encode: also provide "
                "'void consist_encode(consist::byte_sink auto& sink, const T& value)' next to it, writing "
                "each part with consist::encode (see consist/encode/reflect.hpp)");
}

template <class Type>
constexpr void custom_needs_serialize() {
  static_assert(dependent_false<Type>,
                "to store and restore this type, provide 'void consist_serialize(consist::byte_sink auto& "
                "sink, const T& value)' and 'T consist_deserialize(consist::type_t<T>, consist::byte_reader& "
                "reader)' next to it (see consist/encode/reflect.hpp)");
}

template <class Type>
constexpr void custom_needs_to_json() {
  static_assert(dependent_false<Type>,
                "to write this type into a JSON snapshot, provide 'boost::json::value consist_to_json(const "
                "T& value)' next to it (see consist/encode/reflect.hpp)");
}

template <class Type, class InStruct>
constexpr void cannot_restore_string_view() {
  static_assert(dependent_false<Type, InStruct>,
                "a std::string_view can be hashed but not restored from the store (it would dangle): "
                "hold a std::string instead");
}

template <class Type>
constexpr void needs_default_constructor() {
  static_assert(dependent_false<Type>,
                "a reflected struct (or std::array element) is restored field by field and must be "
                "default-constructible: give it a default constructor");
}

template <class Type>
constexpr void field_not_assignable() {
  static_assert(dependent_false<Type>,
                "this struct's reflection reaches a field through an accessor that returns a copy "
                "(BOOST_HANA_ADAPT_ADT; the struct is named as Type in this error's template arguments), so a "
                "value restored from the store would be assigned to that copy and lost: adapt the struct with "
                "BOOST_HANA_ADAPT_STRUCT, make each accessor return a reference to its member, or provide "
                "consist_serialize and consist_deserialize next to it (see consist/encode/reflect.hpp)");
}

template <class Type, class InStruct>
constexpr void cannot_restore_member() {
  static_assert(dependent_false<Type, InStruct>,
                "a const or reference member (or tuple element) cannot be restored from the store: "
                "make it a plain value member");
}

template <class Type>
constexpr void recursive_type() {
  static_assert(dependent_false<Type>,
                "this type contains itself (directly or through a container), and its schema would be "
                "infinite: give it consist_encode and consist_schema (see consist/encode/reflect.hpp)");
}

/// Identity encoding (consist::encode, digest, schema_hash).
struct encode_policy {
  static constexpr bool plain_parts_only = false;
  template <class T>
  static constexpr bool accepts() {
    constexpr value_kind k = kind_v<T>;
    if constexpr (k == value_kind::custom) return has_consist_encode<T> && has_consist_schema<T>;
    else return k != value_kind::unsupported;
  }
  template <class T, class InStruct>
  static constexpr void reject() {
    if constexpr (kind_v<T> != value_kind::custom) cannot_encode<T, InStruct>();
    else if constexpr (!has_consist_schema<T>) custom_needs_schema<T>();
    else custom_needs_encode<T>();
  }
};

/// Whether every field of a reflected struct is reached as an lvalue, so a
/// restored value can be assigned to it in place (an accessor that returns a
/// copy, as BOOST_HANA_ADAPT_ADT's getters do, would take the value and drop it).
/// True for any other type (it is named beside other kinds in one condition).
template <class T>
constexpr bool fields_assignable() {
  if constexpr (!reflected_struct<T>) {
    return true;
  } else {
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return (std::is_lvalue_reference_v<decltype(struct_fields<T>::template get<I>(std::declval<T&>()))> && ...);
    }(std::make_index_sequence<struct_fields<T>::size>{});
  }
}

/// Faithful serialization (consist::serialize, deserialize): values must be
/// rebuildable, so no string_view, no const parts, default-constructible structs
/// whose fields are reached as lvalues.
struct serialize_policy {
  static constexpr bool plain_parts_only = true;
  template <class T>
  static constexpr bool accepts() {
    constexpr value_kind k = kind_v<T>;
    if constexpr (k == value_kind::custom)
      return has_consist_schema<T> && has_consist_serialize<T> && has_consist_deserialize<T>;
    else if constexpr (k == value_kind::structure)
      return std::default_initializable<T> && fields_assignable<T>();
    else if constexpr (k == value_kind::array)
      return std::default_initializable<T>;
    else return k != value_kind::unsupported && k != value_kind::string_view;
  }
  template <class T, class InStruct>
  static constexpr void reject() {
    constexpr value_kind k = kind_v<T>;
    if constexpr (k == value_kind::string_view) {
      cannot_restore_string_view<T, InStruct>();
    } else if constexpr (k == value_kind::structure &&
                         !all_parts<T>([]<class P>(type_t<P>) { return !std::is_const_v<P>; })) {
      // A const member is what keeps the struct from being default-constructible.
      all_parts<T>([]<class P>(type_t<P>) {
        if constexpr (std::is_const_v<P>) cannot_restore_member<P, T>();
        return true;
      });
    } else if constexpr (k == value_kind::structure && !fields_assignable<T>()) {
      field_not_assignable<T>();
    } else if constexpr (k == value_kind::structure || k == value_kind::array) {
      needs_default_constructor<T>();
    } else if constexpr (k != value_kind::custom) {
      cannot_encode<T, InStruct>();
    } else if constexpr (!has_consist_schema<T>) {
      custom_needs_schema<T>();
    } else {
      custom_needs_serialize<T>();
    }
  }
};

/// JSON snapshots (consist::to_json): encodable, and custom types need consist_to_json.
struct json_policy {
  static constexpr bool plain_parts_only = false;
  template <class T>
  static constexpr bool accepts() {
    return encode_policy::accepts<T>() && (kind_v<T> != value_kind::custom || has_consist_to_json<T>);
  }
  template <class T, class InStruct>
  static constexpr void reject() {
    if constexpr (!encode_policy::accepts<T>()) encode_policy::reject<T, InStruct>();
    else custom_needs_to_json<T>();
  }
};

template <class U>
constexpr bool complete_if_struct() {
  if constexpr (kind_v<U> == value_kind::structure) return reflection_complete<U>();
  else return true;
}

/// Whether T and all its parts, recursively, are acceptable to Policy. Seen
/// holds the enclosing types: a type that contains itself is refused rather
/// than walked forever.
template <class Policy, class T, class... Seen>
constexpr bool supports() {
  using U = std::remove_cvref_t<T>;
  if constexpr (Policy::plain_parts_only && !std::is_same_v<T, U>) return false;
  else if constexpr ((std::is_same_v<U, Seen> || ...)) return false;
  else if constexpr (!Policy::template accepts<U>()) return false;
  else if constexpr (!all_parts<U>([]<class P>(type_t<P>) { return supports<Policy, P, Seen..., U>(); })) return false;
  else return complete_if_struct<U>();
}

/// Fails to compile, naming the innermost offending type, unless supports<Policy, T>.
template <class Policy, class T, class InStruct = void, class... Seen>
constexpr void diagnose() {
  using U = std::remove_cvref_t<T>;
  using Holder = std::conditional_t<kind_v<U> == value_kind::structure || kind_v<U> == value_kind::tuple, U, InStruct>;
  if constexpr (supports<Policy, T, Seen...>()) {
  } else if constexpr (Policy::plain_parts_only && !std::is_same_v<T, U> && !std::is_void_v<InStruct>) {
    cannot_restore_member<T, InStruct>();
  } else if constexpr ((std::is_same_v<U, Seen> || ...)) {
    recursive_type<U>();
  } else if constexpr (!Policy::template accepts<U>()) {
    Policy::template reject<U, InStruct>();
  } else if constexpr (!all_parts<U>([]<class P>(type_t<P>) { return supports<Policy, P, Seen..., U>(); })) {
    all_parts<U>([]<class P>(type_t<P>) { return diagnose<Policy, P, Holder, Seen..., U>(), true; });
  } else {
    partially_reflected<U>();  // the only test supports<> adds to those above
  }
}

}  // namespace consist::inline v0::detail
