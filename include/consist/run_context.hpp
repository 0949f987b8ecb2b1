#pragma once
// What a step sees of its run while it executes: its id, where its inputs
// are and where to write its outputs. Injected when fn declares a
// consist::run_context& parameter.

#include <consist/detail/config.hpp>
#include <consist/error.hpp>

#include <boost/json/object.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace consist::inline v0 {

class run_context {
 public:
  struct input_location {
    std::string key;
    std::filesystem::path path;
  };

  CONSIST_DECL run_context(std::string run_id, std::string model, std::filesystem::path output_dir,
                           std::vector<input_location> inputs, std::vector<std::string> declared_outputs);

  const std::string& run_id() const noexcept { return run_id_; }
  const std::string& model() const noexcept { return model_; }

  /// The run's own output folder: `<run_dir>/outputs/<model>/<run_id>`.
  const std::filesystem::path& output_dir() const noexcept { return output_dir_; }

  /// Where to write output `key` (its parent folders are created). A key
  /// that was not declared in consist::outputs{...} is an undeclared output,
  /// handled by output_policy_options::mismatch after the step.
  CONSIST_DECL std::filesystem::path output_path(std::string_view key) const;

  /// Where input `key` is; a key that was not given in consist::inputs{...}
  /// is a not_found_error.
  CONSIST_DECL const std::filesystem::path& input_path(std::string_view key) const;

  const std::vector<std::string>& declared_outputs() const noexcept { return declared_outputs_; }

  /// Values recorded in the run's meta (never part of its identity).
  boost::json::object& meta() noexcept { return meta_; }
  const boost::json::object& meta() const noexcept { return meta_; }

 private:
  std::string run_id_;
  std::string model_;
  std::filesystem::path output_dir_;
  std::vector<input_location> inputs_;
  std::vector<std::string> declared_outputs_;
  boost::json::object meta_;
};

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/impl/run_context.ipp>
#endif
