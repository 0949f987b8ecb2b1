#pragma once
// Body of <consist/explain.hpp>.

#include <consist/explain.hpp>

#include <algorithm>
#include <cstddef>
#include <map>

namespace consist::inline v0 {

std::vector<std::string> changed_components(const identity_components& now, const identity_components& before) {
  std::vector<std::string> out;
  if (now.code_hash != before.code_hash) out.emplace_back("code");
  if (now.config_hash != before.config_hash) out.emplace_back("config");
  if (now.input_hash != before.input_hash) out.emplace_back("inputs");
  if (now.identity_inputs != before.identity_inputs) out.emplace_back("identity_inputs");
  if (now.adapter_name != before.adapter_name || now.adapter_version != before.adapter_version)
    out.emplace_back("adapter");
  if (now.model != before.model) out.emplace_back("model");
  if (now.year != before.year) out.emplace_back("year");
  if (now.iteration != before.iteration) out.emplace_back("iteration");
  if (now.cache_epoch != before.cache_epoch) out.emplace_back("cache_epoch");
  if (now.cache_version != before.cache_version) out.emplace_back("cache_version");
  return out;
}

std::vector<std::string> changed_keys(const std::vector<std::pair<std::string, std::string>>& now,
                                      const std::vector<std::pair<std::string, std::string>>& before) {
  const std::map<std::string, std::string> a(now.begin(), now.end());
  const std::map<std::string, std::string> b(before.begin(), before.end());
  std::vector<std::string> out;
  for (const auto& [k, v] : a) {
    const auto it = b.find(k);
    if (it == b.end() || it->second != v) out.push_back(k);
  }
  for (const auto& [k, v] : b)
    if (!a.contains(k)) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

miss_explanation explain_against(const run_record& now, const std::vector<run_record>& earlier) {
  std::vector<const run_record*> records;
  records.reserve(earlier.size());
  for (const auto& r : earlier) records.push_back(&r);
  return explain_against(now, records);
}

namespace detail {

/// How many config fields, inputs and identity inputs differ between two runs
/// that differ in the components `diff`; a changed component whose parts
/// cannot be told apart (no field digests) counts as one.
inline std::size_t changed_parts(const run_record& now, const run_record& before,
                                 const std::vector<std::string>& diff) {
  const auto has = [&](const char* c) { return std::find(diff.begin(), diff.end(), c) != diff.end(); };
  const auto at_least_one = [](std::size_t n) { return std::max<std::size_t>(n, 1); };
  std::size_t n = 0;
  if (has("config"))
    n += at_least_one(now.config_fields.empty() || before.config_fields.empty()
                          ? 0
                          : changed_keys(now.config_fields, before.config_fields).size());
  if (has("inputs")) n += at_least_one(changed_keys(now.identity.inputs, before.identity.inputs).size());
  if (has("identity_inputs"))
    n += at_least_one(changed_keys(now.identity.identity_inputs, before.identity.identity_inputs).size());
  return n;
}

}  // namespace detail

miss_explanation explain_against(const run_record& now, const std::vector<const run_record*>& earlier) {
  miss_explanation e;
  if (earlier.empty()) {
    e.reason = "no earlier completed run of model '" + now.model_name + "'";
    return e;
  }
  const run_record* nearest = nullptr;
  std::vector<std::string> best;
  std::size_t best_parts = 0;
  for (const run_record* r : earlier) {  // newest first: a later candidate must be strictly nearer
    auto diff = changed_components(now.identity, r->identity);
    if (nearest != nullptr && diff.size() > best.size()) continue;
    const std::size_t parts = detail::changed_parts(now, *r, diff);
    if (nearest == nullptr || diff.size() < best.size() || parts < best_parts) {
      nearest = r;
      best = std::move(diff);
      best_parts = parts;
    }
  }
  e.nearest_run_id = nearest->id;
  e.changed_components = best;
  if (std::find(best.begin(), best.end(), "config") != best.end())
    e.changed_config_fields = changed_keys(now.config_fields, nearest->config_fields);
  if (std::find(best.begin(), best.end(), "inputs") != best.end())
    e.changed_inputs = changed_keys(now.identity.inputs, nearest->identity.inputs);
  if (best.empty()) {
    e.reason = "identical to run " + nearest->id;
  } else {
    e.reason = "differs from run " + nearest->id + " in";
    for (std::size_t i = 0; i < best.size(); ++i) e.reason += (i == 0 ? " " : ", ") + best[i];
  }
  return e;
}

}  // namespace consist::inline v0
