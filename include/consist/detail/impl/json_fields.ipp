#pragma once
// Body of <consist/detail/json_fields.hpp>.

#include <consist/detail/json_fields.hpp>

#include <algorithm>
#include <cstdio>
#include <utility>

namespace consist::inline v0::detail {

timestamp_text timestamp_chars(timestamp t) noexcept {
  // Floor division in integers: chrono's floor<days> overflows near the int64 limits.
  constexpr std::int64_t day_ns = 86'400'000'000'000;
  const std::int64_t ns = t.time_since_epoch().count();
  std::int64_t day_count = ns / day_ns, rest = ns % day_ns;
  if (rest < 0) {
    --day_count;
    rest += day_ns;
  }
  const std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(day_count))};
  const std::int64_t secs = rest / 1'000'000'000;
  const int y = static_cast<int>(ymd.year());
  if (y >= 0 && y <= 9999) {  // the usual case, without printf's cost
    timestamp_text text{};
    text.size = 30;
    char* out = text.bytes;
    const auto put = [&](std::size_t pos, std::size_t width, std::uint64_t v) {
      for (std::size_t i = width; i-- > 0; v /= 10) out[pos + i] = static_cast<char>('0' + v % 10);
    };
    put(0, 4, static_cast<std::uint64_t>(y));
    put(5, 2, static_cast<unsigned>(ymd.month()));
    put(8, 2, static_cast<unsigned>(ymd.day()));
    put(11, 2, static_cast<std::uint64_t>(secs / 3600));
    put(14, 2, static_cast<std::uint64_t>(secs / 60 % 60));
    put(17, 2, static_cast<std::uint64_t>(secs % 60));
    put(20, 9, static_cast<std::uint64_t>(rest % 1'000'000'000));
    out[4] = out[7] = '-';
    out[10] = 'T';
    out[13] = out[16] = ':';
    out[19] = '.';
    out[29] = 'Z';
    return text;
  }
  timestamp_text text{};
  const int n = std::snprintf(text.bytes, sizeof text.bytes, "%04d-%02u-%02uT%02d:%02d:%02d.%09lldZ",
                              static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                              static_cast<unsigned>(ymd.day()), static_cast<int>(secs / 3600),
                              static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60),
                              static_cast<long long>(rest % 1'000'000'000));
  text.size = n < 0 ? 0 : std::min(static_cast<std::size_t>(n), sizeof text.bytes - 1);
  return text;
}

std::optional<timestamp> parse_timestamp(std::string_view s) noexcept {
  auto num = [&](std::size_t pos, std::size_t len, long long& out) {
    if (pos + len > s.size()) return false;
    out = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  long long y, mo, d, h, mi, se;
  if (s.size() < 20 || !num(0, 4, y) || s[4] != '-' || !num(5, 2, mo) || s[7] != '-' || !num(8, 2, d) ||
      s[10] != 'T' || !num(11, 2, h) || s[13] != ':' || !num(14, 2, mi) || s[16] != ':' || !num(17, 2, se))
    return std::nullopt;
  long long frac = 0;
  std::size_t pos = 19;
  if (s[pos] == '.') {
    std::size_t digits = 0;
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && digits < 9; ++pos, ++digits)
      frac = frac * 10 + (s[pos] - '0');
    if (digits == 0) return std::nullopt;
    for (; digits < 9; ++digits) frac *= 10;
  }
  if (pos + 1 != s.size() || s[pos] != 'Z' || h > 23 || mi > 59 || se > 59) return std::nullopt;

  // Qualified: consist has an option type named year.
  const std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(y)),
                                        std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  // Whole days plus the time of day, arranged so that neither end of the
  // int64 range overflows on the way (the first day before 1970 is negative).
  constexpr std::int64_t day_ns = 86'400'000'000'000;
  const std::int64_t days_since = std::chrono::sys_days(ymd).time_since_epoch().count();
  const std::int64_t tod = (h * 3600 + mi * 60 + se) * 1'000'000'000 + frac;
  const bool negative = days_since < 0;
  std::int64_t ns = 0;
  if (__builtin_mul_overflow(negative ? days_since + 1 : days_since, day_ns, &ns) ||
      __builtin_add_overflow(ns, negative ? tod - day_ns : tod, &ns))
    return std::nullopt;
  return timestamp(std::chrono::nanoseconds(ns));
}

inline const char* json_kind_name(const boost::json::value& v) noexcept {
  switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64: return "an integer";
    case boost::json::kind::double_: return "a floating-point number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::object: return "an object";
  }
  return "an unknown value";
}

json_fields::json_fields(const boost::json::value& v, std::string path, std::string_view source)
    : path_(std::move(path)), source_(source) {
  if (!v.is_object()) fail_value(path_.empty() ? "the document" : "field '" + path_ + "'", "an object", v);
  obj_ = &v.get_object();
}

const boost::json::value& json_fields::at(std::string_view key) {
  const auto* v = obj_->if_contains(key);
  if (!v)
    throw integrity_error(std::string(source_) + ": required field '" + full(key) + "' is missing",
                          cause(), fix());
  seen_.push_back(key);
  return *v;
}

const boost::json::value* json_fields::if_present(std::string_view key) {
  const auto* v = obj_->if_contains(key);
  if (v) seen_.push_back(key);
  return v;
}

std::string json_fields::string(std::string_view key) {
  const auto& v = at(key);
  if (!v.is_string()) fail(key, "a string", v);
  return std::string(v.get_string());
}

bool json_fields::boolean(std::string_view key) {
  const auto& v = at(key);
  if (!v.is_bool()) fail(key, "a boolean", v);
  return v.get_bool();
}

std::optional<std::int64_t> json_fields::opt_int64(std::string_view key) {
  const auto& v = at(key);
  if (v.is_null()) return std::nullopt;
  return int64_of(key, v);
}

std::uint64_t json_fields::uint64(std::string_view key, std::uint64_t max) {
  const auto& v = at(key);
  std::uint64_t out = 0;
  if (v.is_uint64()) out = v.get_uint64();
  else if (v.is_int64() && v.get_int64() >= 0) out = static_cast<std::uint64_t>(v.get_int64());
  else fail(key, "a non-negative integer", v);
  if (out > max) fail(key, "an integer at most " + std::to_string(max), v);
  return out;
}

std::optional<timestamp> json_fields::opt_time(std::string_view key) {
  const auto& v = at(key);
  if (v.is_null()) return std::nullopt;
  return time_of(key, v);
}

const boost::json::object& json_fields::object(std::string_view key) {
  const auto& v = at(key);
  if (!v.is_object()) fail(key, "an object", v);
  return v.get_object();
}

const boost::json::array& json_fields::array(std::string_view key) {
  const auto& v = at(key);
  if (!v.is_array()) fail(key, "an array", v);
  return v.get_array();
}

std::vector<std::string> json_fields::strings(std::string_view key) {
  std::vector<std::string> out;
  const auto& a = array(key);
  out.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_string()) fail_value("field '" + full(key) + "[" + std::to_string(i) + "]'", "a string", a[i]);
    out.emplace_back(a[i].get_string());
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> json_fields::string_map(std::string_view key) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto& o = object(key);
  out.reserve(o.size());
  for (const auto& kv : o) {
    if (!kv.value().is_string())
      fail_value("field '" + full(key) + "." + std::string(kv.key()) + "'", "a string", kv.value());
    out.emplace_back(std::string(kv.key()), std::string(kv.value().get_string()));
  }
  return out;
}

void json_fields::done(std::span<const std::string_view> extra) const {
  if (obj_->size() <= seen_.size()) return;
  for (const auto& kv : *obj_) {
    const std::string_view k = kv.key();
    if (std::find(seen_.begin(), seen_.end(), k) == seen_.end() &&
        std::find(extra.begin(), extra.end(), k) == extra.end())
      throw integrity_error(std::string(source_) + ": unknown field '" + full(k) + "'",
                            "the document was written by a newer consist, or edited by hand",
                            "remove the field, or read the document with the consist that wrote it");
  }
}

void json_fields::fail(std::string_view key, const std::string& expected, const boost::json::value& found) const {
  fail_value("field '" + full(key) + "'", expected, found);
}

void json_fields::fail_value(const std::string& what, const std::string& expected,
                             const boost::json::value& found) const {
  throw integrity_error(std::string(source_) + ": " + what + " must be " + expected + ", found " +
                            json_kind_name(found),
                        cause(), fix());
}

std::string json_fields::full(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::int64_t json_fields::int64_of(std::string_view key, const boost::json::value& v) const {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return static_cast<std::int64_t>(v.get_uint64());
  fail(key, "a 64-bit integer", v);
}

timestamp json_fields::time_of(std::string_view key, const boost::json::value& v) const {
  if (!v.is_string()) fail(key, "an ISO-8601 UTC time string", v);
  const auto t = parse_timestamp(v.get_string());
  if (!t)
    throw integrity_error(std::string(source_) + ": field '" + full(key) + "' is not an ISO-8601 UTC time (" +
                              std::string(v.get_string().subview(0, 40)) + ")",
                          cause(), "write times as YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ");
  return *t;
}

}  // namespace consist::inline v0::detail
