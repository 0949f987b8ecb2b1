#pragma once
// Rank 0's verdicts on what the ranks of an MPI run sent it (consist/mpi.hpp):
//   - identities that do not all match: a rank that could not resolve its
//     options, else the first rank whose identity components differ from
//     rank 0's, with the config fields or input keys that differ;
//   - the reports after fn: the ranks whose fn threw, else those whose value
//     differs from rank 0's (a hit would restore rank 0's value everywhere).
// The verdict is broadcast, so every rank raises the same error. Nothing
// here calls MPI.

#include <consist/detail/mpi_wire.hpp>
#include <consist/explain.hpp>
#include <consist/record.hpp>
#include <consist/store/record_codec.hpp>

#include <boost/json/serialize.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace consist::inline v0::detail {

/// "1, 3 and 5"; at most `shown` ranks, then "and N more".
inline std::string rank_list(const std::vector<std::int32_t>& ranks, std::size_t shown = 8) {
  std::string out;
  const std::size_t n = ranks.size() < shown ? ranks.size() : shown;
  for (std::size_t i = 0; i < n; ++i) {
    if (i != 0) out += (i + 1 == ranks.size()) ? " and " : ", ";
    out += std::to_string(ranks[i]);
  }
  if (ranks.size() > n) out += " and " + std::to_string(ranks.size() - n) + " more";
  return out;
}

/// What a rank sends when the ranks disagree: its identity and config fields.
inline rank_identity describe_rank_identity(const identity_components& id, const string_pairs& config_fields) {
  return {wire_error{wire_error_kind::none, {}, {}, {}}, boost::json::serialize(identity_to_json(id)), config_fields};
}

/// "config (fields: alpha, beta)", "inputs (keys: trips)", "code (rank 1:
/// v2, rank 0: v1)", or the bare component name.
inline std::string component_detail(const std::string& component, std::int32_t rank, const identity_components& a,
                                    const string_pairs& a_fields, const identity_components& ref,
                                    const string_pairs& ref_fields) {
  const auto listed = [](const std::vector<std::string>& keys) {
    std::string out;
    for (std::size_t i = 0; i < keys.size() && i < 8; ++i) out += (i == 0 ? "" : ", ") + keys[i];
    if (keys.size() > 8) out += ", ...";
    return out;
  };
  if (component == "config") {
    const auto fields = changed_keys(a_fields, ref_fields);
    return fields.empty() ? component : component + " (fields: " + listed(fields) + ")";
  }
  if (component == "inputs") return component + " (keys: " + listed(changed_keys(a.inputs, ref.inputs)) + ")";
  if (component == "identity_inputs")
    return component + " (" + listed(changed_keys(a.identity_inputs, ref.identity_inputs)) + ")";
  if (component == "code")
    return component + " (rank " + std::to_string(rank) + ": " + a.code_mode + " " + a.code_version + ", rank 0: " +
           ref.code_mode + " " + ref.code_version + ")";
  return component;
}

/// The verdict on identities that do not all match: by_rank[r] is rank r's.
inline mpi_verdict judge_rank_identities(std::string_view run_name, const std::vector<rank_identity>& by_rank) {
  const auto world = std::to_string(by_rank.size());
  const std::string run = "run '" + std::string(run_name) + "'";
  mpi_verdict v{};
  for (std::size_t r = 0; r < by_rank.size(); ++r)
    if (by_rank[r].problem.kind != wire_error_kind::none) v.ranks.push_back(static_cast<std::int32_t>(r));
  if (!v.ranks.empty()) {
    const wire_error& first = by_rank[static_cast<std::size_t>(v.ranks[0])].problem;
    v.kind = verdict_kind::failure;
    v.problem = run + " cannot start on rank " + std::to_string(v.ranks[0]) + " of " + world + ": " + first.problem;
    if (v.ranks.size() > 1) v.problem += " (ranks " + rank_list(v.ranks) + " could not start)";
    v.cause = first.cause;
    v.fix = first.fix + "; nothing was run or recorded on any rank";
    return v;
  }

  v.kind = verdict_kind::mismatch;
  const identity_components ref = identity_from_json(parse_json_text(by_rank[0].identity_json, "rank 0"), "rank 0");
  std::string first_detail;
  for (std::size_t r = 1; r < by_rank.size(); ++r) {
    const std::string source = "rank " + std::to_string(r);
    const identity_components id = identity_from_json(parse_json_text(by_rank[r].identity_json, source), source);
    if (id.signature == ref.signature) continue;
    auto components = changed_components(id, ref);
    if (components.empty()) components.emplace_back("signature");
    v.ranks.push_back(static_cast<std::int32_t>(r));
    if (v.ranks.size() > 1) continue;
    v.components = components;
    for (std::size_t i = 0; i < components.size(); ++i)
      first_detail += (i == 0 ? "" : ", ") + component_detail(components[i], static_cast<std::int32_t>(r), id,
                                                               by_rank[r].config_fields, ref, by_rank[0].config_fields);
  }
  if (v.ranks.empty()) {  // signatures differed in the reduction, yet every identity matches rank 0's
    v.problem = "the ranks of " + run + " computed different signatures, but sent identical identities";
    v.cause = "the communicator was used by another operation between consist's collectives";
    v.fix = "call consist::mpi::run on every rank of the communicator at the same point of the program";
    return v;
  }
  const std::string who = std::to_string(v.ranks[0]);
  v.problem = "the ranks of " + run + " disagree on its identity: rank " + who + " of " + world +
              " differs from rank 0 in " + first_detail;
  if (v.ranks.size() > 1) v.problem += " (ranks " + rank_list(v.ranks) + " differ from rank 0)";
  v.cause = "rank " + who +
            " was given other options than rank 0: a rank-dependent value in the config, an input file that "
            "differs between nodes, or a different build";
  v.fix = "give every rank the same config, inputs and code (derive rank-dependent values inside fn from the "
          "communicator); nothing was run or recorded on any rank";
  return v;
}

/// The verdict on the reports after fn (`by_rank[r]` is rank r's); no ranks
/// in it when the run may complete. `record_error` receives the failed
/// record's error text: every failed rank with its error.
inline mpi_verdict judge_reports(std::string_view run_name, const std::string& run_id,
                                 const std::vector<rank_report>& by_rank, std::string& record_error) {
  mpi_verdict v{};
  v.kind = verdict_kind::failure;
  const std::string run = "run '" + std::string(run_name) + "' (" + run_id + ")";
  const std::string world = std::to_string(by_rank.size());
  for (std::size_t r = 0; r < by_rank.size(); ++r) {
    if (!by_rank[r].failed) continue;
    v.ranks.push_back(static_cast<std::int32_t>(r));
    if (!record_error.empty()) record_error += "; ";
    record_error += "rank " + std::to_string(r) + ": " + by_rank[r].error.problem;
  }
  if (!v.ranks.empty()) {
    const wire_error& first = by_rank[static_cast<std::size_t>(v.ranks[0])].error;
    v.problem = run + " failed on rank " + std::to_string(v.ranks[0]) + " of " + world + ": " + first.problem;
    if (v.ranks.size() > 1) v.problem += " (it failed on ranks " + rank_list(v.ranks) + ")";
    v.cause = first.cause;
    v.fix = first.fix + "; the run is recorded failed, and every rank raises this error";
    return v;
  }
  for (std::size_t r = 1; r < by_rank.size(); ++r)
    if (by_rank[r].value_digest != by_rank[0].value_digest) v.ranks.push_back(static_cast<std::int32_t>(r));
  if (v.ranks.empty()) return v;
  v.problem = run + " returned a value on rank " + std::to_string(v.ranks[0]) + " of " + world +
              " that differs from rank 0's (ranks " + rank_list(v.ranks) + " differ)";
  v.cause = "fn's return value depends on the rank (a rank-local result, or a reduction whose result differs "
            "between ranks); a cache hit would restore rank 0's value on every rank";
  v.fix = "return the same value on every rank (reduce or broadcast it inside fn), or return the rank-local part "
          "through outputs";
  record_error = v.problem;
  return v;
}

}  // namespace consist::inline v0::detail
