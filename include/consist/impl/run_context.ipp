#pragma once
// Body of <consist/run_context.hpp>.

#include <consist/run_context.hpp>

#include <consist/detail/validate.hpp>

#include <utility>

namespace consist::inline v0 {

run_context::run_context(std::string run_id, std::string model, std::filesystem::path output_dir,
                         std::vector<input_location> inputs, std::vector<std::string> declared_outputs)
    : run_id_(std::move(run_id)),
      model_(std::move(model)),
      output_dir_(std::move(output_dir)),
      inputs_(std::move(inputs)),
      declared_outputs_(std::move(declared_outputs)) {}

std::filesystem::path run_context::output_path(std::string_view key) const {
  detail::validate_key("output", key);
  std::filesystem::path p = output_dir_ / std::filesystem::path(std::string(key));
  std::filesystem::create_directories(p.parent_path());
  return p;
}

const std::filesystem::path& run_context::input_path(std::string_view key) const {
  for (const auto& in : inputs_)
    if (in.key == key) return in.path;
  throw not_found_error("run_context::input_path(\"" + std::string(key) + "\"): no input has that key",
                        "the key is misspelt, or the input was not passed to this run",
                        "pass it in consist::inputs{{\"" + std::string(key) + "\", path}}");
}

}  // namespace consist::inline v0
