// Where the store keeps its signature index: LMDB's main database (format 2),
// or a format-1 store's named signature_index, which stays as it is.
#include "store_fixtures.hpp"

#include <consist/store/layout.hpp>
#include <consist/store/lmdb.hpp>
#include <consist/store/store.hpp>

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

using namespace consist;

namespace {

std::shared_ptr<run_store> open_store(const std::filesystem::path& p, bool read_only = false) {
  return run_store::open({.path = p, .initial_map_size = 64 << 10, .read_only = read_only});
}

void commit_with_entry(run_store& s, int i) {
  const auto r = fixtures::full_record("run_" + std::to_string(i), i);
  const auto e = fixtures::entry_for(r, i);
  s.commit_run(r, &e, {});
}

std::string main_key(int i) {
  const auto sig = fixtures::signature_of(i);
  std::string key(1, '\0');
  key.append(reinterpret_cast<const char*>(sig.data()), sig.size());
  return key;
}

/// What the environment at `dir` holds of the index: (entries in the main
/// database, entries in a signature_index database or -1 without one, format_version).
struct index_census {
  std::size_t in_main = 0;
  long named = -1;
  std::string format;
};

index_census census(const std::filesystem::path& dir) {
  index_census c;
  auto env = lmdb::env::open(dir, lmdb::env_options{});
  env.read([&](const lmdb::txn& t) {
    t.with_cursor(t.main_db(), [&](lmdb::cursor& cur) {
      for (auto e = cur.first(); e; e = cur.next()) c.in_main += layout::signature_key::in_main_db(e->first);
    });
    if (const auto named = t.open_dbi(layout::db::signature_index, false))
      c.named = static_cast<long>(t.entries(*named));
    c.format = std::string(t.get(*t.open_dbi(layout::db::meta, false), "format_version").value_or(""));
  });
  return c;
}

/// Turns the format-2 store at `dir` (closed) into the format-1 layout an
/// earlier consist wrote: the index in signature_index, keyed by the 16 bytes.
void make_format_1(const std::filesystem::path& dir) {
  auto env = lmdb::env::open(dir, lmdb::env_options{});
  env.write([](lmdb::txn& t) {
    std::vector<std::pair<std::string, std::string>> moved;
    t.with_cursor(t.main_db(), [&](lmdb::cursor& c) {
      for (auto e = c.first(); e; e = c.next())
        if (layout::signature_key::in_main_db(e->first)) moved.emplace_back(e->first, e->second);
    });
    const auto named = *t.open_dbi(layout::db::signature_index, true);
    for (const auto& [key, value] : moved) {
      t.del(t.main_db(), key);
      t.put(named, std::string_view(key).substr(1), value);
    }
    t.put(*t.open_dbi(layout::db::meta, false), "format_version", "1");
  });
}

}  // namespace

TEST_CASE("a new store keeps its signature index in the main database, under \\0 and the 16 bytes") {
  const auto dir = fixtures::scratch("format_2");
  {
    auto s = open_store(dir);
    for (int i = 0; i < 3; ++i) commit_with_entry(*s, i);
    CHECK(s->find_cached(fixtures::signature_of(1)));
  }
  const auto c = census(dir);
  CHECK(c.in_main == 3);
  CHECK(c.named == -1);
  CHECK(c.format == "2");
  auto env = lmdb::env::open(dir, lmdb::env_options{});
  env.read([](const lmdb::txn& t) {
    const auto v = t.get(t.main_db(), main_key(2));
    REQUIRE(v);
    CHECK(layout::decode_cache_entry(*v, "test").run_id == "run_2");
  });
}

TEST_CASE("a format-1 store is read and written in its own layout") {
  const auto dir = fixtures::scratch("format_1");
  {
    auto s = open_store(dir);
    commit_with_entry(*s, 1);
  }
  make_format_1(dir);
  REQUIRE(census(dir).named == 1);
  {
    auto s = open_store(dir);
    CHECK(s->find_cached(fixtures::signature_of(1))->run_id == "run_1");
    commit_with_entry(*s, 2);
    CHECK(s->find_cached(fixtures::signature_of(2))->run_id == "run_2");
    CHECK_FALSE(s->find_cached(fixtures::signature_of(3)));
  }
  const auto c = census(dir);
  CHECK(c.named == 2);
  CHECK(c.in_main == 0);
  CHECK(c.format == "1");
  CHECK(open_store(dir, true)->find_cached(fixtures::signature_of(2)));
}

TEST_CASE("a store whose format and index layout disagree is refused") {
  const auto two_with_named = fixtures::scratch("format_2_named");
  open_store(two_with_named).reset();
  lmdb::env::open(two_with_named, lmdb::env_options{}).write([](lmdb::txn& t) {
    t.open_dbi(layout::db::signature_index, true);
  });
  CHECK_THROWS_WITH_AS(open_store(two_with_named), doctest::Contains("not a consist store"), integrity_error);

  const auto one_without = fixtures::scratch("format_1_without");
  open_store(one_without).reset();
  lmdb::env::open(one_without, lmdb::env_options{}).write([](lmdb::txn& t) {
    t.put(*t.open_dbi(layout::db::meta, false), "format_version", "1");
  });
  CHECK_THROWS_WITH_AS(open_store(one_without), doctest::Contains("lacks its signature_index"), integrity_error);

  const auto stray = fixtures::scratch("format_2_stray");
  open_store(stray).reset();
  lmdb::env::open(stray, lmdb::env_options{}).write([](lmdb::txn& t) { t.put(t.main_db(), "stray", "x"); });
  CHECK_THROWS_WITH_AS(open_store(stray), doctest::Contains("it holds the key 'stray'"), integrity_error);
}
