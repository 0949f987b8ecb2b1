#pragma once
// The demo's story, checked. Each claim it makes (what executed, what was
// reused, why a step re-ran, what the final output came from) is checked
// against the run records and against the text the `consist` tool printed.
// A claim that does not hold prints "STORY BROKEN: ..." (the ctest fails on
// that text) and makes the demo exit non-zero.

#include "report.hpp"

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace demo {

class story {
 public:
  void expect(bool ok, const std::string& claim) {
    if (ok) return;
    std::printf("STORY BROKEN: %s\n", claim.c_str());
    ++failures_;
  }
  int failures() const noexcept { return failures_; }

 private:
  int failures_ = 0;
};

inline std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

/// The CACHE column ("hit", "miss") of a run's row in `consist runs`, or ""
/// when the run is not listed. Columns: ID MODEL STATUS CACHE STARTED DURATION.
inline std::string listed_cache(const cli_output& runs, const std::string& run_id) {
  for (const auto& line : runs.lines())
    if (const auto w = words(line); w.size() > 3 && w[0] == run_id) return w[3];
  return {};
}

struct field_change {
  std::string field, before, after;
};

/// The config fields `consist why` names as changed, from its lines
/// "    field beta: 0.1 -> 0.14".
inline std::vector<field_change> changed_config_fields(const cli_output& why) {
  std::vector<field_change> out;
  const std::string marker = "    field ", colon = ": ", arrow = " -> ";
  for (const auto& line : why.lines()) {
    const auto c = line.find(colon), a = line.find(arrow);
    if (!line.starts_with(marker) || c == std::string::npos || a == std::string::npos || a < c) continue;
    out.push_back({line.substr(marker.size(), c - marker.size()), line.substr(c + colon.size(), a - c - colon.size()),
                   line.substr(a + arrow.size())});
  }
  return out;
}

/// What `consist why` says of the config fields: whether it names `field`
/// changed from `before` to `after`, and whether it names other fields.
struct why_fields {
  bool names_field = false;   // field: before -> after
  bool names_others = false;  // any other field
};

inline why_fields check_why_fields(const cli_output& why, const std::string& field, const std::string& before,
                                   const std::string& after) {
  why_fields out;
  for (const auto& f : changed_config_fields(why)) {
    if (f.field == field) out.names_field = f.after == after && f.before == before;
    else out.names_others = true;
  }
  return out;
}

/// The id of the artifact whose lineage `consist lineage` shows: its first
/// line is "KEY  ARTIFACT_ID  LOCATION", after an optional "(...)" note.
inline std::string lineage_root(const cli_output& lineage) {
  for (const auto& line : lineage.lines()) {
    if (line.starts_with("(")) continue;
    const auto w = words(line);
    return w.size() > 1 ? w[1] : std::string();
  }
  return {};
}

/// Whether `consist lineage` shows run `run_id` as a producer.
inline bool lineage_shows_run(const cli_output& lineage, const std::string& run_id) {
  return lineage.contains("<- run " + run_id + " ");
}

}  // namespace demo
