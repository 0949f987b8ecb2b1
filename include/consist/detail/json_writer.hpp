#pragma once
// Compact JSON text written straight into a string, without building a
// boost::json value first. The text is byte for byte what
// boost::json::serialize writes for the same values (same escapes, same
// number forms; doubles are formatted by Boost.JSON itself), so records
// written this way keep the exact form the store has always held.

#include <consist/detail/config.hpp>

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace consist::inline v0::detail {

/// Appends one JSON value to `out`; keys and elements are separated by
/// commas as they come.
class json_writer {
 public:
  explicit json_writer(std::string& out) noexcept : out_(out) {}

  CONSIST_DECL void begin_object();
  CONSIST_DECL void end_object();
  CONSIST_DECL void begin_array();
  CONSIST_DECL void end_array();
  /// The key of the next member of the open object.
  CONSIST_DECL void key(std::string_view k);
  /// The same for a key spelled in the source (a member name of the
  /// format): written as it is, without looking for bytes to escape, so it
  /// must hold none (no quote, backslash or control character).
  template <std::size_t N>
  void key(const char (&k)[N]) {
    separate();
    out_ += '"';
    out_.append(k, N - 1);
    out_.append("\":", 2);
    after_key_ = true;
  }

  CONSIST_DECL void string(std::string_view s);
  CONSIST_DECL void int64(std::int64_t v);
  CONSIST_DECL void uint64(std::uint64_t v);
  CONSIST_DECL void boolean(bool v);
  CONSIST_DECL void null();
  /// Any Boost.JSON value, as boost::json::serialize writes it.
  CONSIST_DECL void value(const boost::json::value& v);

  /// Shorthands for a member: key(k) then the value (a literal key takes
  /// the literal overload of key).
  template <class Key>
  void member(const Key& k, std::string_view s) {
    key(k);
    string(s);
  }
  template <class Key>
  void member_int(const Key& k, std::int64_t v) {
    key(k);
    int64(v);
  }
  template <class Key>
  void member_uint(const Key& k, std::uint64_t v) {
    key(k);
    uint64(v);
  }
  template <class Key>
  void member_bool(const Key& k, bool v) {
    key(k);
    boolean(v);
  }

 private:
  CONSIST_DECL void separate();
  /// Writes s as a JSON string, then `suffix` as it is.
  CONSIST_DECL void quoted(std::string_view s, std::string_view suffix = {});

  std::string& out_;
  bool first_ = true;      // nothing written yet in the open container
  bool after_key_ = false; // the next value completes a member
};

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/json_writer.ipp>
#endif
