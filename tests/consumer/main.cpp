// A downstream program: includes the single header and runs one step twice
// in a tracker over a scratch folder beside the executable; the second run must be a cache hit.
#include <consist.hpp>

#include <boost/hana/define_struct.hpp>

#include <cstddef>
#include <cstdio>
#include <filesystem>

std::size_t stored_runs(consist::tracker& t);  // store_count.cpp

namespace {
struct step_config {
  BOOST_HANA_DEFINE_STRUCT(step_config, (int, zones));
};
int step(const step_config& c) { return c.zones + 1; }
}  // namespace

int main(int, char** argv) {
  // Beside the executable: each consumer build has its own.
  const auto dir = std::filesystem::absolute(argv[0]).parent_path() / "consumer_store";
  std::filesystem::remove_all(dir);
  consist::tracker t(consist::tracker_config{.store = dir / "store", .run_dir = dir, .code_version = "consumer"});
  const auto first = t.run(step, consist::name{"step"}, consist::config{step_config{3}});
  const auto second = t.run(step, consist::name{"step"}, consist::config{step_config{3}});
  if (first.cache_hit || !second.cache_hit || second.value != 4) {
    std::printf("consumer failed: the second run was not a hit of the first\n");
    return 1;
  }
  if (const auto n = stored_runs(t); n != 2) {
    std::printf("consumer failed: %zu runs stored, expected the miss and the hit's record\n", n);
    return 1;
  }
  std::printf("consumer ok: %s\n", second.run.signature.c_str());
  return 0;
}
