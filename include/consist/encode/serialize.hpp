#pragma once
// Faithful serialization: a value's exact bytes for the store (a cached run's
// return value), and the value rebuilt from them on a cache hit. Unlike the
// identity encoding, float bits (-0.0, NaN payloads) and container order are
// kept. The same types as consist::encodable are supported, except
// std::string_view (it would dangle); custom types need consist_serialize and
// consist_deserialize (see encode/reflect.hpp).
//
// serialize(v) = u8 format version, u64 schema_hash<T>(), then the value in
// the faithful layout of detail/encode_write.hpp. deserialize<T> checks all
// three, so bytes stored for another type, or by an incompatible format, are
// refused with integrity_error instead of being misread; so are truncated,
// damaged or hostile bytes.

#include <consist/detail/encode_support.hpp>
#include <consist/detail/encode_read.hpp>
#include <consist/detail/encode_write.hpp>
#include <consist/encode/canonical.hpp>
#include <consist/encode/reflect.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace consist::inline v0 {

/// The first byte of every serialized value; bumped when the layout changes.
inline constexpr std::uint8_t serialization_format = 1;

/// Types that serialize() and deserialize() accept.
template <class T>
concept serializable = detail::supports<detail::serialize_policy, std::remove_cvref_t<T>>();

/// Writes the faithful bytes of `value` (no header): the building block for a
/// custom type's consist_serialize.
template <byte_sink S, class T>
void serialize_into(S& sink, const T& value) {
  if constexpr (serializable<T>) detail::write_value<detail::encoding_mode::faithful>(sink, value);
  else detail::diagnose<detail::serialize_policy, T>();
}

/// Reads one value written by serialize_into: the building block for a
/// custom type's consist_deserialize.
template <class T>
T deserialize_from(byte_reader& reader) {
  if constexpr (serializable<T>) {
    return detail::read_value<std::remove_cvref_t<T>>(reader);
  } else {
    detail::diagnose<detail::serialize_policy, T>();
    throw;  // never compiled into a program: the line above is a compile error
  }
}

/// The stored form of `value`: header and faithful bytes.
template <class T>
std::vector<std::uint8_t> serialize(const T& value) {
  std::vector<std::uint8_t> out;
  if constexpr (serializable<T>) {
    buffer_sink sink(out);
    sink.write(std::span<const std::uint8_t>(&serialization_format, 1));
    detail::put_u64(sink, schema_hash<T>());
    consist::serialize_into(sink, value);
  } else {
    detail::diagnose<detail::serialize_policy, T>();
  }
  return out;
}

/// The schema hash in the header of bytes serialize() wrote, if they have one.
inline std::optional<std::uint64_t> stored_schema_hash(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 9 || bytes[0] != serialization_format) return std::nullopt;
  std::uint64_t h = 0;
  for (std::size_t i = 0; i < 8; ++i) h |= std::uint64_t{bytes[1 + i]} << (8 * i);
  return h;
}

/// The value serialize() stored. Throws integrity_error when the bytes are not
/// exactly one such value of type T.
template <class T>
T deserialize(std::span<const std::uint8_t> bytes) {
  static_assert(!std::is_reference_v<T> && !std::is_const_v<T>,
                "consist::deserialize<T> requires T to be a plain value type (no const, no reference)");
  byte_reader reader(bytes);
  const std::uint8_t format = reader.byte();
  if (format != serialization_format)
    byte_reader::fail("serialization format " + std::to_string(format) + " is not the supported format " +
                      std::to_string(serialization_format));
  if constexpr (serializable<T>) {
    if (reader.u64() != schema_hash<T>())
      byte_reader::fail("the value was stored for a type with a different schema (fields or types changed)");
  }
  T value = consist::deserialize_from<T>(reader);
  reader.expect_end();
  return value;
}

}  // namespace consist::inline v0
