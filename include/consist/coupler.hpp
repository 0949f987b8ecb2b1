#pragma once
// consist::coupler: the outputs of a scenario's finished steps, by key, so
// that a later step can take them as inputs:
//   sc.run(assign, consist::name{"assign"}, consist::inputs{{"skims", sc.coupler().at("skims")}});
// A later step that produces the same key replaces the earlier artifact.

#include <consist/error.hpp>
#include <consist/record.hpp>

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace consist::inline v0 {

class coupler {
 public:
  /// The artifact of `key`; a not_found_error naming the keys there are otherwise.
  const artifact& at(std::string_view key) const {
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
  bool contains(std::string_view key) const { return items_.find(key) != items_.end(); }
  std::size_t size() const noexcept { return items_.size(); }
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (const auto& [k, a] : items_) out.push_back(k);
    return out;
  }
  const std::map<std::string, artifact, std::less<>>& items() const noexcept { return items_; }

  /// Hands an artifact over under `key` (steps' outputs arrive here by themselves).
  void set(std::string key, artifact a) { items_.insert_or_assign(std::move(key), std::move(a)); }

 private:
  std::map<std::string, artifact, std::less<>> items_;
};

}  // namespace consist::inline v0
