#pragma once
// Why did a step run? On a miss, the record keeps which identity components
// differ from the nearest earlier completed run of the same model, the config
// fields that changed and the inputs that changed.

#include <consist/detail/config.hpp>
#include <consist/record.hpp>

#include <string>
#include <utility>
#include <vector>

namespace consist::inline v0 {

/// The identity components that differ between two runs, by name:
/// code, config, inputs, identity_inputs, adapter, year, iteration,
/// cache_epoch, cache_version, model.
CONSIST_DECL std::vector<std::string> changed_components(const identity_components& now,
                                                         const identity_components& before);

/// Keys present in one map and not the other, or with different values.
CONSIST_DECL std::vector<std::string> changed_keys(const std::vector<std::pair<std::string, std::string>>& now,
                                                   const std::vector<std::pair<std::string, std::string>>& before);

/// The explanation of `now` against candidate earlier runs (newest first): the
/// nearest is the one with the fewest differing components; on a tie, the one
/// with the fewest changed config fields, inputs and identity inputs together;
/// then the newest.
CONSIST_DECL miss_explanation explain_against(const run_record& now, const std::vector<run_record>& earlier);

/// The same over records held elsewhere (none of the pointers null).
CONSIST_DECL miss_explanation explain_against(const run_record& now, const std::vector<const run_record*>& earlier);

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/impl/explain.ipp>
#endif
