// expect: consist::config\{path\} with the default reflect_adapter would hash the path's text.*json_adapter
// A JSON deck's path as the config without json_adapter: the identity would be
// the path's text, so an edited deck would hit.
#include "cf_types.hpp"

#include <filesystem>

void use(consist::tracker& t) {
  const std::filesystem::path deck = "deck.json";
#ifdef CONSIST_CF_CONTROL
  t.run<consist::json_adapter>([](const std::filesystem::path&) {}, consist::name{"s"}, consist::config{deck});
#else
  t.run([](const std::filesystem::path&) {}, consist::name{"s"}, consist::config{deck});
#endif
}
