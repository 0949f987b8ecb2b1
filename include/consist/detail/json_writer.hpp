#pragma once
// Compact JSON text written straight into a string, without building a
// boost::json value first. The text is byte for byte what
// boost::json::serialize writes for the same values (same escapes, same
// number forms; doubles are formatted by Boost.JSON itself; NaN and the
// infinities, which JSON cannot hold, are the strings "nan", "inf" and "-inf",
// as consist::to_json writes them), so records
// written this way keep the exact form the store has always held.

#include <consist/detail/config.hpp>

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace consist::inline v0::detail {

/// Appends one JSON value to `out`; keys and elements are separated by
/// commas as they come.
///
/// The writer works on `out`'s bytes directly: it sizes `out` to a room it
/// fills through a cursor (each piece is a bounds check and a copy, not a
/// std::string append), and cuts `out` to what was written when it is
/// finished: by finish() or by its destructor. Until then `out` holds spare
/// bytes after the text, so read `out` only after either.
class json_writer {
 public:
  CONSIST_DECL explicit json_writer(std::string& out);
  /// Reopens the object `out` ends with (its text must end with that
  /// object's '}', which is taken off): what is written next are further
  /// members of it, and end_object() closes it again.
  struct reopen_object_t {};
  static constexpr reopen_object_t reopen_object{};
  CONSIST_DECL json_writer(std::string& out, reopen_object_t);
  ~json_writer() { finish(); }
  json_writer(const json_writer&) = delete;
  json_writer& operator=(const json_writer&) = delete;

  /// Cuts `out` to the text written; nothing may be written after it.
  void finish() noexcept {
    if (!out_) return;
    out_->resize(static_cast<std::size_t>(cursor_ - out_->data()));
    out_ = nullptr;
  }

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
    char* p = room(N + 2);  // the copies below have sizes known at compile time
    *p++ = '"';
    std::memcpy(p, k, N - 1);
    p += N - 1;
    *p++ = '"';
    *p++ = ':';
    cursor_ = p;
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
  /// The cursor, with at least n bytes of room after it.
  char* room(std::size_t n) {
    if (static_cast<std::size_t>(end_ - cursor_) < n) grow(n);
    return cursor_;
  }
  CONSIST_DECL void grow(std::size_t n);
  void put(char c) {
    *room(1) = c;
    ++cursor_;
  }
  void put(std::string_view s) { cursor_ = copy(room(s.size()), s); }
  /// Copies s to p and returns the byte after it (an empty view may have no
  /// data, which memcpy must not be given).
  static char* copy(char* p, std::string_view s) noexcept {
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    return p + s.size();
  }
  /// int64 and uint64 (defined beside them).
  template <class Int>
  void integer(Int v);
  CONSIST_DECL void separate();
  /// Writes s as a JSON string, then `suffix` as it is.
  CONSIST_DECL void quoted(std::string_view s, std::string_view suffix = {});

  std::string* out_;       // null once finished
  char* cursor_;           // the next byte to write, in out_'s bytes
  char* end_;              // the end of out_'s bytes
  bool first_ = true;      // nothing written yet in the open container
  bool after_key_ = false; // the next value completes a member
};

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/json_writer.ipp>
#endif
