#pragma once
// Body of <consist/detail/json_writer.hpp>.

#include <consist/detail/json_writer.hpp>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstring>

namespace consist::inline v0::detail {

json_writer::json_writer(std::string& out) : out_(&out) {
  const std::size_t used = out.size();
  out.resize(std::max(out.capacity(), used + 256));  // the room is out's own capacity, at least 256 bytes
  cursor_ = out.data() + used;
  end_ = out.data() + out.size();
}

/// `out` without the '}' that closes the object it ends with.
inline std::string& without_object_close(std::string& out) noexcept {
  assert(out.ends_with('}'));
  out.pop_back();
  return out;
}

json_writer::json_writer(std::string& out, reopen_object_t) : json_writer(without_object_close(out)) {
  // A member was written before unless the object was empty ("{}").
  first_ = cursor_ == out_->data() || cursor_[-1] == '{';
}

void json_writer::grow(std::size_t n) {
  const auto used = static_cast<std::size_t>(cursor_ - out_->data());
  out_->resize(std::max(2 * out_->size(), used + n));
  cursor_ = out_->data() + used;
  end_ = out_->data() + out_->size();
}

void json_writer::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_) put(',');
  first_ = false;
}

void json_writer::begin_object() {
  separate();
  put('{');
  first_ = true;
}

void json_writer::end_object() {
  put('}');
  first_ = false;
}

void json_writer::begin_array() {
  separate();
  put('[');
  first_ = true;
}

void json_writer::end_array() {
  put(']');
  first_ = false;
}

void json_writer::key(std::string_view k) {
  separate();
  quoted(k, ":");
  after_key_ = true;
}

/// True when a byte of w is a quote, a backslash or a control character: the
/// bytes JSON escapes. Word-at-a-time: (x - 0x01..) & ~x & 0x80.. is nonzero
/// exactly when a byte of x is zero, (x - 0x20..) & ~x & 0x80.. when a byte is
/// below 0x20.
inline bool json_word_needs_escape(std::uint64_t w) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  const auto has_zero = [](std::uint64_t x) { return (x - ones) & ~x & highs; };
  const std::uint64_t control = (w - ones * 0x20) & ~w & highs;
  return (has_zero(w ^ (ones * '"')) | has_zero(w ^ (ones * '\\')) | control) != 0;
}

inline bool json_needs_escape(unsigned char c) noexcept { return c < 0x20 || c == '"' || c == '\\'; }

/// How many leading bytes of s JSON writes as they are: whole words while
/// they are plain, the last partial word as one word too (the string's last 8
/// bytes, or its few bytes padded with spaces), bytes only from the first word
/// that needs an escape.
inline std::size_t json_plain_prefix(std::string_view s) noexcept {
  const std::size_t n = s.size();
  std::size_t i = 0;
  std::uint64_t w = 0;
  bool plain = true;
  for (; i + 8 <= n; i += 8) {
    std::memcpy(&w, s.data() + i, 8);
    if (json_word_needs_escape(w)) {
      plain = false;
      break;
    }
  }
  if (plain && i < n) {
    if (n >= 8) {
      std::memcpy(&w, s.data() + n - 8, 8);
    } else {
      w = 0x2020202020202020ULL;  // spaces, which are never escaped
      std::memcpy(&w, s.data(), n);
    }
    if (!json_word_needs_escape(w)) return n;
  }
  while (i < n && !json_needs_escape(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

// Boost.JSON's escapes: the two-letter forms for \b \t \n \f \r, \u00xx
// (lower-case hex) for the other control characters, \" and \\; every other
// byte as it is. Most text needs no escape: it is copied, quotes and
// `suffix` around it, with no byte looked at twice.
void json_writer::quoted(std::string_view s, std::string_view suffix) {
  std::size_t i = json_plain_prefix(s);
  if (i == s.size()) {
    char* p = room(s.size() + suffix.size() + 2);
    *p++ = '"';
    p = copy(p, s);
    *p++ = '"';
    cursor_ = copy(p, suffix);
    return;
  }
  static constexpr char hex[] = "0123456789abcdef";
  // Room for the worst case at once: every byte left as \u00xx.
  char* p = room(i + 6 * (s.size() - i) + suffix.size() + 2);
  *p++ = '"';
  p = copy(p, s.substr(0, i));
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i++]);
    *p++ = '\\';
    switch (c) {
      case '"': *p++ = '"'; break;
      case '\\': *p++ = '\\'; break;
      case '\b': *p++ = 'b'; break;
      case '\t': *p++ = 't'; break;
      case '\n': *p++ = 'n'; break;
      case '\f': *p++ = 'f'; break;
      case '\r': *p++ = 'r'; break;
      default:
        std::memcpy(p, "u00", 3);
        p[3] = hex[c >> 4];
        p[4] = hex[c & 15];
        p += 5;
    }
    const std::size_t plain = json_plain_prefix(s.substr(i));
    p = copy(p, s.substr(i, plain));
    i += plain;
  }
  *p++ = '"';
  cursor_ = copy(p, suffix);
}

void json_writer::string(std::string_view s) {
  separate();
  quoted(s);
}

template <class Int>
void json_writer::integer(Int v) {
  separate();
  char* p = room(24);
  cursor_ = std::to_chars(p, p + 24, v).ptr;
}

void json_writer::int64(std::int64_t v) { integer(v); }

void json_writer::uint64(std::uint64_t v) { integer(v); }

void json_writer::boolean(bool v) {
  separate();
  put(v ? std::string_view("true") : std::string_view("false"));
}

void json_writer::null() {
  separate();
  put(std::string_view("null"));
}

void json_writer::value(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::object:
      begin_object();
      for (const auto& m : v.get_object()) {
        key(m.key());
        value(m.value());
      }
      end_object();
      break;
    case boost::json::kind::array:
      begin_array();
      for (const auto& e : v.get_array()) value(e);
      end_array();
      break;
    case boost::json::kind::string: string(v.get_string()); break;
    case boost::json::kind::int64: int64(v.get_int64()); break;
    case boost::json::kind::uint64: uint64(v.get_uint64()); break;
    case boost::json::kind::bool_: boolean(v.get_bool()); break;
    case boost::json::kind::null: null(); break;
    case boost::json::kind::double_: {
      // JSON has no NaN or infinity (Boost.JSON would write NaN, which no
      // parser reads back): they are written as to_json writes them.
      const double d = v.get_double();
      if (std::isnan(d)) string("nan");
      else if (std::isinf(d)) string(d > 0 ? "inf" : "-inf");
      else {
        separate();
        put(boost::json::serialize(v));  // Boost.JSON's own shortest form
      }
      break;
    }
  }
}

}  // namespace consist::inline v0::detail
