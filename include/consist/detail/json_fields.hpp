#pragma once
// Strict, hostile-input-safe reading of one JSON object: every field is
// required and typed, unknown fields are refused, and each failure is an
// integrity_error naming the field by its dotted path and the source
// (a file, or a record in the store). Timestamps are ISO-8601 UTC strings with
// nanoseconds, "2024-05-01T12:34:56.123456789Z".

#include <consist/detail/config.hpp>
#include <consist/error.hpp>
#include <consist/record.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace consist::inline v0::detail {

/// The text of a timestamp, held in place (no heap string).
struct timestamp_text {
  char bytes[48];
  std::size_t size;
  std::string_view view() const noexcept { return {bytes, size}; }
};

/// "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" (UTC, always nine fraction digits).
CONSIST_DECL timestamp_text timestamp_chars(timestamp t) noexcept;
inline std::string format_timestamp(timestamp t) { return std::string(timestamp_chars(t).view()); }

/// Parses what format_timestamp writes (1 to 9 fraction digits, or none).
CONSIST_DECL std::optional<timestamp> parse_timestamp(std::string_view s) noexcept;

/// Reads the fields of one JSON object strictly.
class json_fields {
 public:
  CONSIST_DECL json_fields(const boost::json::value& v, std::string path, std::string_view source);

  CONSIST_DECL const boost::json::value& at(std::string_view key);
  /// The field, or null when it is absent: for a field added to a format
  /// after documents without it were written.
  CONSIST_DECL const boost::json::value* if_present(std::string_view key);
  CONSIST_DECL std::string string(std::string_view key);
  CONSIST_DECL bool boolean(std::string_view key);
  std::int64_t int64(std::string_view key) { return int64_of(key, at(key)); }
  CONSIST_DECL std::optional<std::int64_t> opt_int64(std::string_view key);
  CONSIST_DECL std::uint64_t uint64(std::string_view key,
                                    std::uint64_t max = std::numeric_limits<std::uint64_t>::max());
  timestamp time(std::string_view key) { return time_of(key, at(key)); }
  CONSIST_DECL std::optional<timestamp> opt_time(std::string_view key);
  CONSIST_DECL const boost::json::object& object(std::string_view key);
  CONSIST_DECL const boost::json::array& array(std::string_view key);
  CONSIST_DECL std::vector<std::string> strings(std::string_view key);
  /// An object of string values, kept in document order.
  CONSIST_DECL std::vector<std::pair<std::string, std::string>> string_map(std::string_view key);
  std::string child_path(std::string_view key) const { return full(key); }
  std::string_view source() const noexcept { return source_; }

  /// Refuses fields that were not read (and are not in `extra`).
  CONSIST_DECL void done(std::span<const std::string_view> extra = {}) const;

  [[noreturn]] CONSIST_DECL void fail(std::string_view key, const std::string& expected,
                                      const boost::json::value& found) const;
  [[noreturn]] CONSIST_DECL void fail_value(const std::string& what, const std::string& expected,
                                            const boost::json::value& found) const;

 private:
  static const char* cause() { return "the document was edited by hand, written by another program, or damaged"; }
  static const char* fix() {
    return "correct the field; a snapshot can be re-exported from the store, a store rebuilt from snapshots";
  }
  CONSIST_DECL std::string full(std::string_view key) const;
  CONSIST_DECL std::int64_t int64_of(std::string_view key, const boost::json::value& v) const;
  CONSIST_DECL timestamp time_of(std::string_view key, const boost::json::value& v) const;

  const boost::json::object* obj_ = nullptr;
  std::string path_;
  std::string_view source_;
  std::vector<std::string_view> seen_;
};

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/json_fields.ipp>
#endif
