#pragma once
// Body of <consist/identity/adapter.hpp>.

#include <consist/identity/adapter.hpp>

#include <string>

namespace consist::inline v0 {

digest128 json_adapter::digest(const std::filesystem::path& deck) { return json_digest(load_json_file(deck)); }
config_description json_adapter::describe(const boost::json::value& v) {
  // Refused here, before the run executes: a record holding it could not be read back.
  if (detail::json_deeper_than(v, detail::json_max_depth))
    throw usage_error("the JSON config nests arrays and objects more than " +
                          std::to_string(detail::json_max_depth) + " levels deep",
                      "the value was built or parsed by the program with a larger depth limit; the store could "
                      "not read back a run record holding it (a deck file is refused past that depth too)",
                      "flatten the config, or pass its deep part as a file in consist::inputs{...}");
  return {json_field_digests(v), v, 0};
}
config_description json_adapter::describe(const std::filesystem::path& deck) { return describe(load_json_file(deck)); }

}  // namespace consist::inline v0
