#pragma once
// What a run leaves behind: the run record (Consist's Run model), its
// identity components, the miss explanation, artifacts, and run_result<R>.

#include <consist/detail/config.hpp>
#include <consist/span_stat.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace consist::inline v0 {

using timestamp = std::chrono::time_point<std::chrono::system_clock, std::chrono::nanoseconds>;

enum class run_status : std::uint8_t { running, completed, failed };

constexpr const char* to_string(run_status s) noexcept {
  switch (s) {
    case run_status::running: return "running";
    case run_status::completed: return "completed";
    case run_status::failed: return "failed";
  }
  return "?";
}

/// Whether an artifact was read or written by a run.
enum class link_direction : std::uint8_t { input, output };

constexpr const char* to_string(link_direction d) noexcept {
  return d == link_direction::input ? "input" : "output";
}

/// A file or directory a run read or wrote.
struct artifact {
  std::string id;                    // UUID (RFC 4122 text form)
  std::string key;                   // logical name, e.g. "skims"
  std::string location;              // relative to the run_dir, or "mount:<name>/<rel>"
  std::string driver;                // format label, e.g. "csv"
  std::string fingerprint;           // hex digest
  std::string fingerprint_strategy;  // "content" or "fast"
  std::uint64_t size = 0;
  bool is_directory = false;
  std::string producing_run_id;      // empty for a plain input file
  std::string producing_signature;   // hex signature of the producing run
  timestamp created_at{};

  friend bool operator==(const artifact&, const artifact&) = default;
};

/// One artifact used by a run, with its direction and the key it had there.
struct artifact_link {
  std::string run_id;
  std::string artifact_id;
  std::string key;
  link_direction direction = link_direction::input;

  friend bool operator==(const artifact_link&, const artifact_link&) = default;
};

/// The components a signature is made of, kept so a user can see why two
/// runs do or do not share a signature.
struct identity_components {
  std::string signature;       // hex SipHash-2-4-128 over everything below
  std::string config_hash;     // adapter's digest of the config
  std::string input_hash;      // digest over the sorted per-input digests
  std::string code_hash;       // digest of the code identity
  std::string code_mode;       // "git", "build_id" or "explicit"
  std::string code_version;    // the commit (+dirty digest), build-id, or explicit version
  std::string adapter_name;
  std::uint32_t adapter_version = 0;
  std::uint64_t schema_hash = 0;  // reflect_adapter: the config type's schema
  std::string model;
  std::optional<std::int64_t> year;
  std::optional<std::int64_t> iteration;
  std::uint64_t cache_epoch = 0;
  std::string cache_version;
  std::vector<std::pair<std::string, std::string>> identity_inputs;  // name -> digest, sorted
  std::vector<std::pair<std::string, std::string>> inputs;           // key -> digest, sorted

  friend bool operator==(const identity_components&, const identity_components&) = default;
};

/// Why a run executed instead of reusing an earlier one.
struct miss_explanation {
  std::string reason;                            // e.g. "no earlier completed run of model 'demand'"
  std::string nearest_run_id;                    // empty when there is none
  std::vector<std::string> changed_components;   // "config", "inputs", "code", "year", ...
  std::vector<std::string> changed_config_fields;
  std::vector<std::string> changed_inputs;       // input keys whose digest changed (or added/removed)

  friend bool operator==(const miss_explanation&, const miss_explanation&) = default;
};

/// One span site over the ranks of an MPI run (consist/mpi.hpp): the
/// distribution of each rank's total time and count at that site, so load
/// imbalance shows per site. A rank that never entered the site counts as 0.
struct span_rank_stat {
  std::string name;                 // the literal given to the macro
  std::string file;                 // source file of the call site
  std::uint32_t line = 0;           // source line of the call site
  bool timed = true;                // false for CONSIST_COUNT (count only)
  std::uint32_t ranks = 0;          // ranks of the run (its communicator's size)
  std::uint32_t entered = 0;        // ranks that entered the site
  std::uint64_t count_min = 0;      // over ranks: the times a rank entered the site
  std::uint64_t count_max = 0;
  std::uint64_t count_sum = 0;
  std::uint64_t total_ns_min = 0;   // over ranks: a rank's summed duration at the site
  std::uint64_t total_ns_max = 0;
  std::uint64_t total_ns_sum = 0;
  std::uint32_t slowest_rank = 0;   // the rank with the largest total (the largest count when !timed)

  friend bool operator==(const span_rank_stat&, const span_rank_stat&) = default;
};

/// A run: Consist's Run model plus what the C++ side adds (spans, process).
/// A new field goes to store/record_codec and detail/packed_record too.
struct run_record {
  std::string id;
  std::string parent_run_id;
  run_status status = run_status::running;
  std::string model_name;
  std::string description;
  std::optional<std::int64_t> year;
  std::optional<std::int64_t> iteration;
  std::string stage;
  std::string phase;
  std::vector<std::string> tags;
  std::string config_hash;
  std::string input_hash;
  std::string code_hash;
  std::string signature;
  boost::json::object meta;
  timestamp started_at{};
  std::optional<timestamp> ended_at;
  timestamp created_at{};
  timestamp updated_at{};

  identity_components identity;
  boost::json::value config;                                       // the full config
  std::vector<std::pair<std::string, std::string>> config_fields;  // leaf path -> digest
  std::optional<miss_explanation> explanation;                     // set on an executed run
  std::string error;                                               // set on a failed run
  bool cache_hit = false;
  std::string cache_source;  // on a hit: the run whose result was reused
  std::vector<span_stat> span_stats;
  std::vector<span_rank_stat> span_ranks;  // an MPI run's spans per site over its ranks; empty otherwise
  std::vector<artifact_link> links;

  // The process that ran it, so an abandoned "running" record can be told apart.
  std::int64_t pid = 0;
  std::string host;
  std::string boot_id;

  double duration_seconds() const noexcept {
    if (!ended_at) return 0.0;
    return std::chrono::duration<double>(*ended_at - started_at).count();
  }
  const identity_components& identity_summary() const noexcept { return identity; }

  /// The spans of this run, most total time first.
  CONSIST_DECL std::vector<span_stat> spans() const;

  friend bool operator==(const run_record&, const run_record&) = default;
};

/// What run() returns: fn's value (restored on a hit), the record, the outputs.
template <class R>
struct run_result {
  R value;
  run_record run;
  std::map<std::string, artifact> outputs;
  bool cache_hit = false;
};

template <>
struct run_result<void> {
  run_record run;
  std::map<std::string, artifact> outputs;
  bool cache_hit = false;
};

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/impl/record.ipp>
#endif
