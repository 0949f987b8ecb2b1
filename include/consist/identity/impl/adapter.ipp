#pragma once
// Body of <consist/identity/adapter.hpp>.

#include <consist/identity/adapter.hpp>

namespace consist::inline v0 {

digest128 json_adapter::digest(const std::filesystem::path& deck) { return json_digest(load_json_file(deck)); }
config_description json_adapter::describe(const boost::json::value& v) { return {json_field_digests(v), v, 0}; }
config_description json_adapter::describe(const std::filesystem::path& deck) { return describe(load_json_file(deck)); }

}  // namespace consist::inline v0
