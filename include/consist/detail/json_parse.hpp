#pragma once
// JSON text to a Boost.JSON value, every number with a fraction or an
// exponent read as the double it denotes. Boost.JSON 1.81's own parse may
// miss by a bit in the last place (about one double in ten): two spellings of
// one value could then hash apart, two values a program reads apart (strtod,
// Python, nlohmann) could hash the same, and a double written to a record
// would read back as its neighbour. std::from_chars rounds correctly.

#include <consist/detail/config.hpp>

#include <boost/json/parse_options.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace consist::inline v0::detail {

struct json_parse_result {
  boost::json::value value;                  // null when ec is set
  boost::system::error_code ec;
  std::size_t consumed = 0;                  // bytes read before an error
  std::optional<std::string> duplicate_key;  // set (with ec) when a key repeats in one object
};

/// Parses all of `text` (trailing data is an error). With
/// `refuse_duplicate_keys`, a key given twice in one object stops the parse.
CONSIST_DECL json_parse_result parse_json_exact(std::string_view text, const boost::json::parse_options& options,
                                                bool refuse_duplicate_keys, boost::json::storage_ptr storage = {});

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/json_parse.ipp>
#endif
