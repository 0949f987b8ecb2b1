// Generated run ids: "<name>_<8 hex>", consecutive per thread from a random
// start (so one thread's runs sort in the order it made them), a new start
// after a collision, and a sequence per thread.
#include <consist/detail/run_id.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <set>
#include <string>
#include <thread>
#include <vector>

using consist::detail::make_run_id;
using consist::detail::run_id_draw;

namespace {

/// The 32-bit suffix of "<name>_<8 hex>"; checks the form on the way.
std::uint32_t suffix_of(const std::string& id, const std::string& name) {
  REQUIRE(id.size() == name.size() + 9);
  REQUIRE(id.compare(0, name.size(), name) == 0);
  REQUIRE(id[name.size()] == '_');
  std::uint32_t v = 0;
  for (char c : id.substr(name.size() + 1)) {
    const bool digit = c >= '0' && c <= '9', lower = c >= 'a' && c <= 'f';
    REQUIRE((digit || lower));
    v = v * 16 + static_cast<std::uint32_t>(digit ? c - '0' : c - 'a' + 10);
  }
  return v;
}

}  // namespace

TEST_CASE("the run ids one thread draws are consecutive") {
  std::uint32_t last = suffix_of(make_run_id("step"), "step");
  for (int i = 0; i < 1000; ++i) {
    const std::uint32_t next = suffix_of(make_run_id(i % 2 ? "step" : "other_step", run_id_draw::next),
                                         i % 2 ? "step" : "other_step");
    REQUIRE(next == static_cast<std::uint32_t>(last + 1));  // one sequence for every name
    last = next;
  }
}

TEST_CASE("after a collision the next id starts a sequence elsewhere") {
  const std::uint32_t before = suffix_of(make_run_id("step"), "step");
  const std::uint32_t redrawn = suffix_of(make_run_id("step", run_id_draw::after_collision), "step");
  CHECK(redrawn != static_cast<std::uint32_t>(before + 1));  // equal once in 2^32 draws
  CHECK(suffix_of(make_run_id("step"), "step") == static_cast<std::uint32_t>(redrawn + 1));
}

TEST_CASE("each thread draws from a sequence of its own") {
  std::vector<std::vector<std::uint32_t>> drawn(4);
  std::vector<std::thread> threads;
  for (auto& d : drawn)
    threads.emplace_back([&d] {
      for (int i = 0; i < 200; ++i) d.push_back(suffix_of(make_run_id("step"), "step"));
    });
  for (auto& t : threads) t.join();
  std::set<std::uint32_t> all;
  for (const auto& d : drawn) {
    for (std::size_t i = 1; i < d.size(); ++i) CHECK(d[i] == static_cast<std::uint32_t>(d[i - 1] + 1));
    all.insert(d.begin(), d.end());
  }
  CHECK(all.size() == 800);  // four random starts 200 apart: overlap once in ~10^7 runs
}
