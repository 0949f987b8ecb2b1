// detail::record_cache: a record is served only for the exact text it was kept with.

#include <consist/detail/record_cache.hpp>

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

using consist::run_record;
using consist::detail::record_cache;

namespace {
std::shared_ptr<const run_record> record_named(const std::string& id, const std::string& description = "") {
  run_record r;
  r.id = id;
  r.description = description;
  return std::make_shared<const run_record>(std::move(r));
}
}  // namespace

TEST_CASE("record_cache serves a record only for the text it was kept with") {
  record_cache c(8);
  CHECK(c.find("run_1", "{}") == nullptr);
  c.insert("run_1", R"({"id":"run_1"})", record_named("run_1"));
  const auto hit = c.find("run_1", R"({"id":"run_1"})");
  REQUIRE(hit != nullptr);
  CHECK(hit->id == "run_1");
  CHECK(c.find("run_1", R"({"id":"run_1","x":1})") == nullptr);  // the stored text changed
  CHECK(c.find("run_1", R"({"id":"run_1")") == nullptr);         // a prefix is not the text
  CHECK(c.find("run_2", R"({"id":"run_1"})") == nullptr);        // another id
}

TEST_CASE("record_cache: a new insertion under an id replaces the old text and record") {
  record_cache c(8);
  c.insert("run_1", "old", record_named("run_1", "old"));
  c.insert("run_1", "new", record_named("run_1", "new"));
  CHECK(c.find("run_1", "old") == nullptr);
  REQUIRE(c.find("run_1", "new") != nullptr);
  CHECK(c.find("run_1", "new")->description == "new");
  CHECK(c.size() == 1);
}

TEST_CASE("record_cache keeps at most its capacity, dropping the oldest insertion first") {
  record_cache c(3);
  for (int i = 0; i < 5; ++i) c.insert("run_" + std::to_string(i), "t" + std::to_string(i), record_named("run"));
  CHECK(c.size() == 3);
  CHECK(c.find("run_0", "t0") == nullptr);
  CHECK(c.find("run_1", "t1") == nullptr);
  CHECK(c.find("run_2", "t2") != nullptr);
  CHECK(c.find("run_4", "t4") != nullptr);

  record_cache none(0);
  none.insert("run_0", "t0", record_named("run_0"));
  CHECK(none.size() == 0);
  CHECK(none.find("run_0", "t0") == nullptr);
}

TEST_CASE("record_cache is safe to use from several threads") {
  record_cache c(64);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&c, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string id = "run_" + std::to_string((i * 7 + t) % 100);
        c.insert(id, id, record_named(id));
        if (const auto r = c.find(id, id)) CHECK(r->id == id);
      }
    });
  for (auto& th : threads) th.join();
  CHECK(c.size() <= 64);
}
