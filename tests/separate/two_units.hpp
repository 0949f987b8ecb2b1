#pragma once
// The two units of header_only_two_units: each includes <consist.hpp> in its
// header-only form and runs the step below, so every body the headers define
// is compiled into both units and must link once (inline) or fail the link.
#include <consist.hpp>

#include <boost/hana/define_struct.hpp>

#include <filesystem>

namespace two_units {

struct step_config {
  BOOST_HANA_DEFINE_STRUCT(step_config, (int, zones));
};

/// Runs the step in a tracker over `store`; the run's result.
inline consist::run_result<int> run_step(const std::filesystem::path& store, int zones) {
  consist::tracker t(consist::tracker_config{.store = store / "store", .run_dir = store, .code_version = "two"});
  return t.run([](const step_config& c) { return c.zones * 2; }, consist::name{"step"},
               consist::config{step_config{zones}});
}

/// Defined in unit_b.cpp: runs the step from the second unit; true on a hit
/// that restored the right value.
bool hit_in_unit_b(const std::filesystem::path& store, int zones);

}  // namespace two_units
