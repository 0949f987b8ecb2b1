#pragma once
// Numeric CSV tables: how the demo's steps hand data to each other. Each step
// writes one file with a header line; the next step reads it back by column name.

#include <consist/error.hpp>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace demo {

struct table {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;

  /// The index of a column, or an error naming the file's columns.
  std::size_t column(const std::string& name) const {
    for (std::size_t i = 0; i < columns.size(); ++i)
      if (columns[i] == name) return i;
    std::string have;
    for (const auto& c : columns) have += (have.empty() ? "" : ", ") + c;
    throw consist::error("the table has no column '" + name + "' (it has: " + have + ")",
                         "the step that wrote it and the step reading it disagree on the format",
                         "rebuild both steps from the same sources");
  }
};

inline table read_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in)
    throw consist::error("cannot open " + path.string(), "the file was removed or never written",
                         "re-run the step that produces it");
  table t;
  std::string line;
  std::getline(in, line);
  for (std::size_t start = 0;;) {
    const auto comma = line.find(',', start);
    t.columns.push_back(line.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<double> row;
    row.reserve(t.columns.size());
    const char* p = line.c_str();
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      char* end = nullptr;
      row.push_back(std::strtod(p, &end));
      if (end == p)
        throw consist::error("a malformed line in " + path.string() + ": '" + line + "'",
                             "the file was edited or truncated", "re-run the step that produces it");
      p = (*end == ',') ? end + 1 : end;
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

/// Writes a header and rows; values with up to 10 significant digits, so the
/// file (and so its fingerprint) is the same on every run with the same inputs.
inline void write_csv(const std::filesystem::path& path, const std::vector<std::string>& columns,
                      const std::vector<std::vector<double>>& rows) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr)
    throw consist::error("cannot write " + path.string(), "the run folder is not writable",
                         "check the permissions of the run_dir");
  for (std::size_t i = 0; i < columns.size(); ++i) std::fprintf(f, "%s%s", i ? "," : "", columns[i].c_str());
  std::fputc('\n', f);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) std::fprintf(f, "%s%.10g", i ? "," : "", row[i]);
    std::fputc('\n', f);
  }
  std::fclose(f);
}

}  // namespace demo
