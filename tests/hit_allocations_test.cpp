// A cache hit allocates the same whatever the number of runs in the store:
// the count and the bytes of the heap allocations one tracker.run hit makes
// on the caller's thread, with a store of 100 runs and of 10,000 runs.
// counting_new.hpp replaces the global operator new to count them: this is
// a test executable of its own.
#include <consist.hpp>

#include <boost/hana/define_struct.hpp>

#include <doctest/doctest.h>
#include <completed_run.hpp>
#include <counting_new.hpp>
#include <scratch.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace {

struct step_config {
  BOOST_HANA_DEFINE_STRUCT(step_config, (double, alpha), (int, zones), (std::string, scenario));
};

int step(const step_config& c) { return c.zones + 1; }

step_config config_of(int k) { return step_config{0.5, k, "base"}; }

/// Completed runs of `step` for configs first..last-1, as run() would have
/// committed them (their signatures are run()'s), written in one transaction.
/// The ids have one length, so that every hit's record has the same size.
void fill(consist::tracker& t, int first, int last) {
  std::vector<consist::run_commit> batch;
  for (int k = first; k < last; ++k) {
    const auto inv = consist::resolve_invocation<consist::reflect_adapter>(t.resolution(), consist::name{"step"},
                                                                           consist::config{config_of(k)});
    batch.push_back(consist_test::completed_run(inv, consist_test::numbered_id("step_fill_", k, 6),
                                                consist::serialize(step(config_of(k))), consist::detail::now()));
  }
  t.store().commit_runs(batch);
}

struct per_hit {
  double allocations = 0;
  double bytes = 0;
};

/// The allocations of `hits` hits cycling through configs 0..stored-1, per
/// hit. Each hit's record is flushed before the next hit (outside the count),
/// so the queue holds one record at a time, as in the same measure at any
/// store size.
per_hit measure(consist::tracker& t, int stored, int hits, consist::hit_recording mode) {
  const consist::cache_options opts{.record_hits = mode};
  for (int k = 0; k < 8; ++k) {  // warm-up: the first uses fill the long-lived buffers
    REQUIRE(t.run(step, consist::name{"step"}, consist::config{config_of(k)}, opts).cache_hit);
    t.flush();
  }
  std::size_t n = 0, bytes = 0;
  for (int i = 0; i < hits; ++i) {
    const int k = static_cast<int>((static_cast<long long>(i) * 7919) % stored);  // spread over the whole store
    bool hit = false, right = false;
    const auto c = consist_test::count_allocations([&] {  // the result's destruction is part of the hit
      const auto r = t.run(step, consist::name{"step"}, consist::config{config_of(k)}, opts);
      hit = r.cache_hit;
      right = r.value == k + 1;
    });
    n += c.allocations;
    bytes += c.bytes;
    REQUIRE(hit);
    REQUIRE(right);
    t.flush();
  }
  return {static_cast<double>(n) / hits, static_cast<double>(bytes) / hits};
}

}  // namespace

TEST_CASE("a cache hit allocates the same with 100 and with 10,000 runs in the store") {
  const auto dir = consist_test::scratch_dir("hit_allocations");
  consist::tracker t(consist::tracker_config{.store = dir / "store", .run_dir = dir,
                                             .durability = consist::durability::nosync, .code_version = "test"});
  fill(t, 0, 100);
  const per_hit small_full = measure(t, 100, 300, consist::hit_recording::full);
  const per_hit small_count = measure(t, 100, 300, consist::hit_recording::count);
  fill(t, 100, 10'000);
  const per_hit large_full = measure(t, 10'000, 300, consist::hit_recording::full);
  const per_hit large_count = measure(t, 10'000, 300, consist::hit_recording::count);
  MESSAGE("per hit, 100 runs: full ", small_full.allocations, " allocations (", small_full.bytes, " B), count ",
          small_count.allocations, " (", small_count.bytes, " B); 10,000 runs: full ", large_full.allocations, " (",
          large_full.bytes, " B), count ", large_count.allocations, " (", large_count.bytes, " B)");
  CHECK(small_full.allocations > 0);  // the counting works
  CHECK(large_full.allocations == small_full.allocations);
  CHECK(large_full.bytes == small_full.bytes);
  CHECK(large_count.allocations == small_count.allocations);
  CHECK(large_count.bytes == small_count.bytes);
}
