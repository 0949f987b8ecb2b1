#pragma once
// Body of <consist/coupler.hpp>.

#include <consist/coupler.hpp>

#include <utility>

namespace consist::inline v0 {

const artifact& coupler::at(std::string_view key) const {
  const auto it = items_.find(key);
  if (it != items_.end()) return it->second;
  std::string known;
  for (const auto& [k, a] : items_) known += (known.empty() ? "" : ", ") + k;
  throw not_found_error("the scenario's coupler has no output '" + std::string(key) + "' (it has: " +
                            (known.empty() ? "nothing yet" : known) + ")",
                        "no finished step produced that key yet, or the step failed",
                        "run the producing step first and declare the key in its consist::outputs{...} "
                        "(or log it in its trace)");
}

bool coupler::contains(std::string_view key) const { return items_.find(key) != items_.end(); }

std::vector<std::string> coupler::keys() const {
  std::vector<std::string> out;
  for (const auto& [k, a] : items_) out.push_back(k);
  return out;
}

void coupler::set(std::string key, artifact a) { items_.insert_or_assign(std::move(key), std::move(a)); }

}  // namespace consist::inline v0
