#pragma once
// Body of <consist/detail/json_parse.hpp>.

#include <consist/detail/json_parse.hpp>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <charconv>
#include <functional>
#include <set>
#include <utility>
#include <vector>

namespace consist::inline v0::detail {

/// Builds the value as Boost.JSON's parser does (a value_stack), except that
/// a number with a fraction or an exponent is read again from its text.
struct exact_json_handler {
  using error_code = boost::json::error_code;
  using string_view = boost::json::string_view;
  static constexpr std::size_t max_object_size = boost::json::object::max_size();
  static constexpr std::size_t max_array_size = boost::json::array::max_size();
  static constexpr std::size_t max_key_size = boost::json::string::max_size();
  static constexpr std::size_t max_string_size = boost::json::string::max_size();

  explicit exact_json_handler(bool refuse_duplicates) : refuse_duplicates(refuse_duplicates) {}

  boost::json::value_stack st;
  bool refuse_duplicates;
  std::string number;                                    // the parts of a number split across writes
  std::string key;                                       // the parts of a key split across writes
  std::vector<std::set<std::string, std::less<>>> keys;  // of each open object, when refusing duplicates
  std::optional<std::string> duplicate;                  // the key given twice

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) {
    if (refuse_duplicates) keys.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t n, error_code&) {
    if (refuse_duplicates) keys.pop_back();
    st.push_object(n);
    return true;
  }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t n, error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(string_view s, std::size_t, error_code&) {
    if (refuse_duplicates) key.append(s.data(), s.size());
    st.push_chars(s);
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code& ec) {
    if (refuse_duplicates) {
      key.append(s.data(), s.size());
      if (!keys.back().insert(key).second) {
        duplicate = std::move(key);
        ec = boost::json::error::syntax;
        return false;
      }
      key.clear();
    }
    st.push_key(s);
    return true;
  }
  bool on_string_part(string_view s, std::size_t, error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(string_view s, std::size_t, error_code&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(string_view s, error_code&) {
    number.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, string_view, error_code&) {
    number.clear();
    st.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, string_view, error_code&) {
    number.clear();
    st.push_uint64(u);
    return true;
  }
  bool on_double(double d, string_view s, error_code&) {
    number.append(s.data(), s.size());
    double exact = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), exact);
    // Out of range (beyond the largest double, or below the smallest):
    // Boost.JSON's infinity or zero is what strtod gives too.
    if (ec == std::errc() && end == number.data() + number.size()) d = exact;
    number.clear();
    st.push_double(d);
    return true;
  }
  bool on_bool(bool b, error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }
};

json_parse_result parse_json_exact(std::string_view text, const boost::json::parse_options& options,
                                   bool refuse_duplicate_keys, boost::json::storage_ptr storage) {
  boost::json::basic_parser<exact_json_handler> parser(options, refuse_duplicate_keys);
  parser.handler().st.reset(std::move(storage));
  json_parse_result out;
  out.consumed = parser.write_some(false, text.data(), text.size(), out.ec);
  if (!out.ec && out.consumed < text.size()) out.ec = boost::json::error::extra_data;
  if (out.ec) {
    out.duplicate_key = std::move(parser.handler().duplicate);
    return out;
  }
  out.value = parser.handler().st.release();
  return out;
}

}  // namespace consist::inline v0::detail
