#pragma once
// Body of <consist/detail/json_writer.hpp>.

#include <consist/detail/json_writer.hpp>

#include <boost/json/serialize.hpp>

#include <charconv>

namespace consist::inline v0::detail {

void json_writer::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_) out_ += ',';
  first_ = false;
}

void json_writer::begin_object() {
  separate();
  out_ += '{';
  first_ = true;
}

void json_writer::end_object() {
  out_ += '}';
  first_ = false;
}

void json_writer::begin_array() {
  separate();
  out_ += '[';
  first_ = true;
}

void json_writer::end_array() {
  out_ += ']';
  first_ = false;
}

void json_writer::key(std::string_view k) {
  separate();
  quoted(k);
  out_ += ':';
  after_key_ = true;
}

// Boost.JSON's escapes: the two-letter forms for \b \t \n \f \r, \u00xx
// (lower-case hex) for the other control characters, \" and \\; every other
// byte as it is.
void json_writer::quoted(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out_ += '"';
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out_.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\b': out_ += "\\b"; break;
      case '\t': out_ += "\\t"; break;
      case '\n': out_ += "\\n"; break;
      case '\f': out_ += "\\f"; break;
      case '\r': out_ += "\\r"; break;
      default:
        out_ += "\\u00";
        out_ += hex[c >> 4];
        out_ += hex[c & 15];
    }
  }
  out_.append(s.data() + run, s.size() - run);
  out_ += '"';
}

void json_writer::string(std::string_view s) {
  separate();
  quoted(s);
}

void json_writer::int64(std::int64_t v) {
  separate();
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
}

void json_writer::uint64(std::uint64_t v) {
  separate();
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
}

void json_writer::boolean(bool v) {
  separate();
  out_ += v ? "true" : "false";
}

void json_writer::null() {
  separate();
  out_ += "null";
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
    case boost::json::kind::double_:
      separate();
      out_ += boost::json::serialize(v);  // Boost.JSON's own shortest form
      break;
  }
}

}  // namespace consist::inline v0::detail
