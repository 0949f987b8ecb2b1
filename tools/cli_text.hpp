#pragma once
// How the tool writes text: colour only on a terminal (never when stdout is
// a pipe or a file, nor with NO_COLOR set or TERM=dumb), aligned tables,
// times in UTC and durations in readable units.

#include <consist/record.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace consist::inline v0::cli {

class text_style {
 public:
  explicit text_style(bool colour) : colour_(colour) {}

  /// Colour when stdout is a terminal and the user did not opt out.
  static text_style for_stdout() {
    const char* no_colour = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    const bool dumb = term != nullptr && std::string_view(term) == "dumb";
    return text_style(::isatty(STDOUT_FILENO) == 1 && (no_colour == nullptr || *no_colour == '\0') && !dumb);
  }

  bool colour() const noexcept { return colour_; }
  std::string bold(std::string_view s) const { return wrap("1", s); }
  std::string dim(std::string_view s) const { return wrap("2", s); }
  std::string red(std::string_view s) const { return wrap("31", s); }
  std::string green(std::string_view s) const { return wrap("32", s); }
  std::string yellow(std::string_view s) const { return wrap("33", s); }
  std::string status(run_status s) const {
    switch (s) {
      case run_status::completed: return green(to_string(s));
      case run_status::failed: return red(to_string(s));
      case run_status::running: return yellow(to_string(s));
    }
    return to_string(s);
  }

 private:
  std::string wrap(const char* code, std::string_view s) const {
    if (!colour_) return std::string(s);
    return "\x1b[" + std::string(code) + "m" + std::string(s) + "\x1b[0m";
  }
  bool colour_;
};

/// "2024-05-01 12:34:56" in UTC.
inline std::string format_time(timestamp t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto day = std::chrono::floor<std::chrono::days>(secs);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{secs - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

/// A duration in nanoseconds as "850 ns", "12.3 us", "4.56 ms", "7.89 s" or "3 min 4 s".
inline std::string format_ns(double ns) {
  char buf[48];
  if (ns < 1e3) std::snprintf(buf, sizeof buf, "%.0f ns", ns);
  else if (ns < 1e6) std::snprintf(buf, sizeof buf, "%.3g us", ns / 1e3);
  else if (ns < 1e9) std::snprintf(buf, sizeof buf, "%.3g ms", ns / 1e6);
  else if (ns < 60e9) std::snprintf(buf, sizeof buf, "%.3g s", ns / 1e9);
  else std::snprintf(buf, sizeof buf, "%.0f min %.0f s", std::floor(ns / 60e9), std::fmod(ns / 1e9, 60.0));
  return buf;
}

/// A run's duration, or "-" while it has no end.
inline std::string format_duration(const run_record& r) {
  return r.ended_at ? format_ns(r.duration_seconds() * 1e9) : std::string("-");
}

inline std::string format_optional(const std::optional<std::int64_t>& v) {
  return v ? std::to_string(*v) : std::string("-");
}

/// "1 run", "3 runs".
inline std::string counted(std::size_t n, std::string_view noun) {
  return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

inline std::string or_dash(const std::string& s) { return s.empty() ? std::string("-") : s; }

inline std::string join(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

/// Rows of plain-text cells printed in aligned columns; `decorate` may
/// colour a cell after it was padded, so escape codes never skew the widths.
class text_table {
 public:
  explicit text_table(std::vector<std::string> header) : rows_{std::move(header)} {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::size_t size() const noexcept { return rows_.size() - 1; }

  void print(std::ostream& out, const text_style& style,
             const std::function<std::string(std::size_t row, std::size_t col, const std::string& padded)>&
                 decorate = {}) const {
    std::vector<std::size_t> width;
    for (const auto& r : rows_)
      for (std::size_t c = 0; c < r.size(); ++c) {
        if (width.size() <= c) width.push_back(0);
        width[c] = std::max(width[c], r[c].size());
      }
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      std::string line;
      for (std::size_t c = 0; c < rows_[i].size(); ++c) {
        const bool last = c + 1 == rows_[i].size();
        std::string cell = rows_[i][c];
        if (!last) cell.resize(width[c], ' ');
        if (i == 0) cell = style.bold(cell);
        else if (decorate) cell = decorate(i - 1, c, cell);
        line += cell + (last ? "" : "  ");
      }
      out << line << '\n';
    }
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace consist::inline v0::cli
