#pragma once
// consist::coupler: the outputs of a scenario's finished steps, by key, so
// that a later step can take them as inputs:
//   sc.run(assign, consist::name{"assign"}, consist::inputs{{"skims", sc.coupler().at("skims")}});
// A later step that produces the same key replaces the earlier artifact.

#include <consist/detail/config.hpp>
#include <consist/error.hpp>
#include <consist/record.hpp>

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace consist::inline v0 {

class coupler {
 public:
  /// The artifact of `key`; a not_found_error naming the keys there are otherwise.
  CONSIST_DECL const artifact& at(std::string_view key) const;
  CONSIST_DECL bool contains(std::string_view key) const;
  std::size_t size() const noexcept { return items_.size(); }
  CONSIST_DECL std::vector<std::string> keys() const;
  const std::map<std::string, artifact, std::less<>>& items() const noexcept { return items_; }

  /// Hands an artifact over under `key` (steps' outputs arrive here by themselves).
  CONSIST_DECL void set(std::string key, artifact a);

 private:
  std::map<std::string, artifact, std::less<>> items_;
};

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/impl/coupler.ipp>
#endif
