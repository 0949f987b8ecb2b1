// CONSIST_SPAN / CONSIST_COUNT and span_collection: exact counts across
// threads, nesting, recursion, threads that exit early, attribution between
// collections, the tracing switches and the clock conversion.
#include <consist/spans.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

using consist::span_collection;
using consist::span_stat;

const span_stat* find(const std::vector<span_stat>& stats, const std::string& name) {
  for (const auto& s : stats)
    if (s.name == name) return &s;
  return nullptr;
}

// Each returns the stat for its name or fails the test.
span_stat stat_of(const std::vector<span_stat>& stats, const std::string& name) {
  const span_stat* s = find(stats, name);
  REQUIRE_MESSAGE(s != nullptr, "no span named " << name);
  return *s;
}

void check_consistent(const span_stat& s) {
  CHECK(s.count > 0);
  CHECK(s.threads > 0);
  if (s.timed) {
    CHECK(s.min_ns <= s.max_ns);
    CHECK(s.total_ns >= s.max_ns);
  } else {
    CHECK(s.total_ns == 0);
    CHECK(s.min_ns == 0);
    CHECK(s.max_ns == 0);
  }
}

// Work the optimiser cannot remove, so spans have a duration.
void spin(int n) {
  volatile int sink = 0;
  for (int i = 0; i < n; ++i) sink = sink + i;
}

void hit(int times) {
  for (int i = 0; i < times; ++i) {
    CONSIST_SPAN("hit");
  }
}

template <int N>
int templated() {
  CONSIST_SPAN("templated");
  return N;
}

void recurse(int depth) {
  CONSIST_SPAN("recurse");
  spin(10);
  if (depth > 0) recurse(depth - 1);
}

}  // namespace

// First in this file, so it runs before any test sets the switch; ctest also
// runs it alone with CONSIST_TRACING=0.
TEST_CASE("spans: CONSIST_TRACING decides the initial switch") {
  const bool expected = consist::detail::parse_tracing_switch(std::getenv("CONSIST_TRACING"));
  CHECK(consist::tracing_enabled() == expected);
  span_collection c;
  hit(10);
  const auto stats = c.finish();
  if (expected) {
    CHECK(stat_of(stats, "hit").count == 10);
  } else {
    CHECK(stats.empty());
  }
  consist::set_tracing_enabled(true);  // the explicit switch overrides the environment
  span_collection on;
  hit(3);
  CHECK(stat_of(on.finish(), "hit").count == 3);
}

TEST_CASE("spans: CONSIST_TRACING values") {
  using consist::detail::parse_tracing_switch;
  CHECK(parse_tracing_switch(nullptr));
  CHECK(parse_tracing_switch(""));
  CHECK(parse_tracing_switch("1"));
  CHECK(parse_tracing_switch("on"));
  CHECK_FALSE(parse_tracing_switch("0"));
  CHECK_FALSE(parse_tracing_switch("off"));
  CHECK_FALSE(parse_tracing_switch("false"));
  CHECK_THROWS_AS(parse_tracing_switch("disabled"), consist::usage_error);
}

TEST_CASE("spans: counts are exact across 4 threads") {
  constexpr int per_thread = 25'000;
  span_collection c;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([] {
      for (int i = 0; i < per_thread; ++i) {
        CONSIST_SPAN("worker");
        CONSIST_COUNT("worker_count");
      }
    });
  for (auto& t : threads) t.join();
  const auto stats = c.finish();
  REQUIRE(stats.size() == 2);
  const span_stat worker = stat_of(stats, "worker");
  CHECK(worker.count == 4u * per_thread);
  CHECK(worker.threads == 4);
  CHECK(worker.timed);
  check_consistent(worker);
  const span_stat counted = stat_of(stats, "worker_count");
  CHECK(counted.count == 4u * per_thread);
  CHECK(counted.threads == 4);
  check_consistent(counted);
}

TEST_CASE("spans: the site records the literal, file and line") {
  span_collection c;
  std::uint32_t line = 0;
  {
    CONSIST_SPAN("located"); line = __LINE__;
  }
  const span_stat s = stat_of(c.finish(), "located");
  CHECK(s.line == line);
  CHECK(s.file.ends_with("spans_test.cpp"));
  CHECK(s.count == 1);
  CHECK(s.threads == 1);
}

TEST_CASE("spans: several spans in one block and on one line") {
  span_collection c;
  for (int i = 0; i < 7; ++i) {
    CONSIST_SPAN("first");
    CONSIST_SPAN("second");
    CONSIST_SPAN("third"); CONSIST_COUNT("fourth");
  }
  const auto stats = c.finish();
  CHECK(stats.size() == 4);
  for (const char* name : {"first", "second", "third", "fourth"}) CHECK(stat_of(stats, name).count == 7);
}

TEST_CASE("spans: in templates and lambdas") {
  span_collection c;
  int sum = 0;
  for (int i = 0; i < 3; ++i) sum += templated<1>() + templated<2>();
  const auto lambda = [] { CONSIST_SPAN("lambda"); };
  const auto generic = [](auto x) {
    CONSIST_COUNT("generic");
    return x;
  };
  for (int i = 0; i < 4; ++i) {
    lambda();
    sum += generic(1) + static_cast<int>(generic(1.0));
  }
  CHECK(sum == 17);
  const auto stats = c.finish();
  // Each instantiation is a site of its own, with the same name and line.
  std::vector<std::uint64_t> templated_counts;
  for (const auto& s : stats)
    if (s.name == "templated") templated_counts.push_back(s.count);
  CHECK(templated_counts == std::vector<std::uint64_t>{3, 3});
  CHECK(stat_of(stats, "lambda").count == 4);
  std::uint64_t generic_total = 0;
  for (const auto& s : stats)
    if (s.name == "generic") generic_total += s.count;
  CHECK(generic_total == 8);
}

TEST_CASE("spans: nested spans") {
  span_collection c;
  for (int i = 0; i < 50; ++i) {
    CONSIST_SPAN("outer");
    spin(200);
    {
      CONSIST_SPAN("inner");
      spin(500);
    }
  }
  const auto stats = c.finish();
  const span_stat outer = stat_of(stats, "outer");
  const span_stat inner = stat_of(stats, "inner");
  CHECK(outer.count == 50);
  CHECK(inner.count == 50);
  check_consistent(outer);
  check_consistent(inner);
  // Every outer interval contains an inner one.
  CHECK(outer.total_ns >= inner.total_ns);
  CHECK(outer.min_ns >= inner.min_ns);
  CHECK(outer.max_ns >= inner.max_ns);
  CHECK(stats.front().name == "outer");
}

TEST_CASE("spans: recursion counts every level") {
  span_collection c;
  for (int i = 0; i < 5; ++i) recurse(9);
  const span_stat s = stat_of(c.finish(), "recurse");
  CHECK(s.count == 50);
  CHECK(s.threads == 1);
  check_consistent(s);
  // The outermost level encloses the nine below it (margin for jitter).
  CHECK(s.max_ns >= 5 * s.min_ns);
}

TEST_CASE("spans: CONSIST_COUNT counts without timing") {
  span_collection c;
  for (int i = 0; i < 123; ++i) CONSIST_COUNT("counted");
  const span_stat s = stat_of(c.finish(), "counted");
  CHECK_FALSE(s.timed);
  CHECK(s.count == 123);
  check_consistent(s);
}

TEST_CASE("spans: a thread that exits before the collection ends is not lost") {
  span_collection c;
  std::thread([] {
    for (int i = 0; i < 1000; ++i) {
      CONSIST_SPAN("short_lived");
    }
  }).join();
  hit(4);  // the collecting thread keeps going after the other has exited
  const auto stats = c.finish();
  const span_stat s = stat_of(stats, "short_lived");
  CHECK(s.count == 1000);
  CHECK(s.threads == 1);
  check_consistent(s);
  CHECK(stat_of(stats, "hit").count == 4);
}

TEST_CASE("spans: collections one after the other each get only their own") {
  span_collection first;
  hit(3);
  const auto a = first.finish();
  hit(7);  // between collections: counted nowhere
  span_collection second;
  hit(5);
  const auto b = second.finish();
  CHECK(stat_of(a, "hit").count == 3);
  CHECK(stat_of(b, "hit").count == 5);
  span_collection third;
  CHECK(third.finish().empty());
}

TEST_CASE("spans: nested collections") {
  span_collection outer;
  hit(3);
  std::vector<span_stat> inner_stats;
  {
    span_collection inner;
    hit(5);
    std::thread([] { hit(11); }).join();  // exits inside the inner one
    inner_stats = inner.finish();
  }
  hit(2);
  const auto outer_stats = outer.finish();
  const span_stat in = stat_of(inner_stats, "hit");
  CHECK(in.count == 16);
  CHECK(in.threads == 2);
  const span_stat out = stat_of(outer_stats, "hit");
  CHECK(out.count == 5);
  CHECK(out.threads == 1);  // one thread, seen before and after the inner collection
}

TEST_CASE("spans: an earlier collection may finish first") {
  auto a = std::make_unique<span_collection>();
  hit(2);
  span_collection b;  // most recent: takes what follows
  hit(4);
  const auto a_stats = a->finish();  // not current: keeps what it had
  hit(8);                        // still b's
  const auto b_stats = b.finish();
  CHECK(stat_of(a_stats, "hit").count == 2);
  CHECK(stat_of(b_stats, "hit").count == 12);
}

TEST_CASE("spans: attribution goes by where a span closes") {
  std::vector<span_stat> during;
  {
    span_collection c;
    {
      CONSIST_SPAN("across_finish");
      during = c.finish();
    }
  }
  CHECK(find(during, "across_finish") == nullptr);

  std::vector<span_stat> stats;
  {
    CONSIST_SPAN("across_start");  // opened while nothing collects: not timed at all
    span_collection c;
    stats = c.finish();
  }
  CHECK(find(stats, "across_start") == nullptr);

  span_collection outer;
  std::vector<span_stat> inner_stats;
  {
    CONSIST_SPAN("closes_in_outer");
    span_collection inner;
    inner_stats = inner.finish();
  }
  CHECK(find(inner_stats, "closes_in_outer") == nullptr);
  CHECK(stat_of(outer.finish(), "closes_in_outer").count == 1);
}

TEST_CASE("spans: tracing disabled at run time") {
  consist::set_tracing_enabled(false);
  CHECK_FALSE(consist::tracing_enabled());
  {
    span_collection c;
    hit(10);
    CONSIST_COUNT("disabled_count");
    CHECK(c.finish().empty());
  }
  // Switched off in the middle of a collection: it keeps what came before.
  consist::set_tracing_enabled(true);
  span_collection c;
  hit(6);
  consist::set_tracing_enabled(false);
  hit(100);
  consist::set_tracing_enabled(true);
  hit(1);
  CHECK(consist::tracing_enabled());
  CHECK(stat_of(c.finish(), "hit").count == 7);
}

TEST_CASE("spans: sorted by total time, longest first") {
  span_collection c;
  for (int i = 0; i < 20; ++i) {
    {
      CONSIST_SPAN("light");
      spin(10);
    }
    {
      CONSIST_SPAN("heavy");
      spin(20'000);
    }
    {
      CONSIST_SPAN("medium");
      spin(2'000);
    }
    CONSIST_COUNT("untimed");
  }
  const auto stats = c.finish();
  REQUIRE(stats.size() == 4);
  // The order is by the totals measured, whatever they came to: a span can be
  // preempted (a loaded machine, a sanitizer build) and outlast a longer one.
  // Sorted by name, by count or as first seen, these would not be in order.
  for (std::size_t i = 1; i < stats.size(); ++i) CHECK(stats[i - 1].total_ns >= stats[i].total_ns);
  CHECK(stats[3].name == "untimed");  // a count has no time
  CHECK(stats[3].total_ns == 0);
  std::vector<std::string> names;
  for (const auto& s : stats) names.push_back(s.name);
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"heavy", "light", "medium", "untimed"});
  if (stats[0].name != "heavy") MESSAGE("the heavy span did not measure longest: the machine was loaded");
}

TEST_CASE("spans: durations are nanoseconds of wall time") {
  span_collection c;
  {
    CONSIST_SPAN("sleep");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const span_stat s = stat_of(c.finish(), "sleep");
  CHECK(s.total_ns >= 19'000'000);   // sleep_for never returns early
  CHECK(s.total_ns <= 2'000'000'000);
  CHECK(s.min_ns == s.total_ns);
  CHECK(s.max_ns == s.total_ns);
  const auto source = consist::span_clock_source();
  CHECK((source == "tsc" || source == "steady_clock"));
  MESSAGE("span clock: " << std::string(source));
}

TEST_CASE("spans: collection lifetime") {
  span_collection c;
  CHECK(c.collecting());
  (void)c.finish();
  CHECK_FALSE(c.collecting());
  CHECK_THROWS_AS((void)c.finish(), consist::usage_error);

  span_collection moved_from;
  hit(2);
  span_collection moved = std::move(moved_from);
  CHECK_FALSE(moved_from.collecting());  // a moved-from collection is empty, by design
  hit(3);
  CHECK(stat_of(moved.finish(), "hit").count == 5);

  {
    span_collection abandoned;
    hit(9);
  }  // destroyed unfinished: its spans are discarded, nobody else gets them
  span_collection next;
  hit(1);
  CHECK(stat_of(next.finish(), "hit").count == 1);
}

TEST_CASE("spans: a full registry refuses sites and says so") {
  // A private registry with room for two sites; the process's own has 16384.
  consist::detail::span_registry registry(2);
  static constexpr consist::detail::span_site a{"a", "file.cpp", 1, true};
  static constexpr consist::detail::span_site b{"b", "file.cpp", 2, true};
  static constexpr consist::detail::span_site extra{"one_too_many", "file.cpp", 3, false};
  consist::detail::span_handle ha(a), hb(b), hextra(extra);
  CHECK(registry.register_site(ha) == 0);
  CHECK(registry.register_site(hb) == 1);
  CHECK(registry.register_site(ha) == 0);  // already registered
  CHECK(registry.register_site(hextra) == consist::detail::refused_span_site);
  CHECK(hextra.index.load() == consist::detail::refused_span_site);
  consist::detail::span_collection_state state;
  registry.begin(state);
  try {
    (void)registry.end(state);
    FAIL("finish() must report the refused site");
  } catch (const consist::usage_error& e) {
    CHECK(std::string(e.what()).find("'one_too_many' at file.cpp:3") != std::string::npos);
  }
  // The registry of the process was not disturbed.
  span_collection c;
  hit(2);
  CHECK(stat_of(c.finish(), "hit").count == 2);
}

TEST_CASE("spans: concurrent collections on different threads are safe") {
  constexpr int workers = 3;
  constexpr int per_worker = 20'000;
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> collected{0};
  std::atomic<int> collections{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < workers; ++t) threads.emplace_back([] { hit(per_worker); });
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&] {
      // At least a few collections each, and on until the workers are done.
      for (int round = 0; round < 20 || !stop.load(); ++round) {
        span_collection c;
        CONSIST_COUNT("collector");
        for (const auto& s : c.finish()) {
          CHECK(s.min_ns <= s.max_ns);
          if (s.name == "hit") collected += s.count;
        }
        ++collections;
      }
    });
  for (int t = 0; t < workers; ++t) threads[static_cast<std::size_t>(t)].join();
  stop = true;
  for (std::size_t t = workers; t < threads.size(); ++t) threads[t].join();
  // Each span counts in at most one collection; those closing between
  // collections count nowhere.
  CHECK(collected.load() <= std::uint64_t{workers} * per_worker);
  CHECK(collections.load() >= 40);
}
