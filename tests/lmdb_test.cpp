// The LMDB wrapper: RAII, map growth (in this process and adopted from
// another), stale readers, read-only opens, nesting checks, error messages.
#include "store_fixtures.hpp"

#include <consist/store/lmdb.hpp>

#include <doctest/doctest.h>

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace lmdb = consist::lmdb;

namespace {

lmdb::env open_env(const std::filesystem::path& p, std::size_t map = 64 << 10, bool ro = false) {
  lmdb::env_options o;
  o.map_size = map;
  o.read_only = ro;
  return lmdb::env::open(p, o);
}

std::string key_of(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "k%08d", i);
  return buf;
}

// Runs fn in a forked child; its return value is the child's exit status.
template <class F>
int in_child(F fn) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(fn());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Another process writing with the plain C API (it must not touch this process's env).
int raw_child_write(const std::string& path, int from, int to, std::size_t value_size, std::size_t map) {
  MDB_env* e = nullptr;
  MDB_txn* t = nullptr;
  MDB_dbi d = 0;
  if (mdb_env_create(&e) || mdb_env_set_maxdbs(e, 16) || mdb_env_set_mapsize(e, map) ||
      mdb_env_open(e, path.c_str(), 0, 0664) || mdb_txn_begin(e, nullptr, 0, &t) || mdb_dbi_open(t, nullptr, 0, &d))
    return 2;
  const std::string value(value_size, 'x');
  for (int i = from; i < to; ++i) {
    const std::string k = key_of(i);
    MDB_val kv{k.size(), const_cast<char*>(k.data())}, vv{value.size(), const_cast<char*>(value.data())};
    if (mdb_put(t, d, &kv, &vv, 0)) return 3;
  }
  if (mdb_txn_commit(t)) return 4;
  mdb_env_close(e);
  return 0;
}

}  // namespace

TEST_CASE("a write whose function throws is aborted by the txn destructor") {
  const auto dir = fixtures::scratch("lmdb_abort");
  auto env = open_env(dir);
  env.write([](lmdb::txn& t) { t.put(t.main_db(), "kept", "1"); });
  CHECK_THROWS_AS(env.write([](lmdb::txn& t) {
    t.put(t.main_db(), "lost", "1");
    throw std::runtime_error("boom");
  }),
                  std::runtime_error);
  env.read([](const lmdb::txn& t) {
    CHECK(t.get(t.main_db(), "kept") == std::optional<std::string_view>("1"));
    CHECK_FALSE(t.get(t.main_db(), "lost"));
  });
  // A standalone read txn dropped without commit releases its reader slot and gate.
  { auto t = env.begin_read(); CHECK(t.active()); }
  env.write([](lmdb::txn& t) { t.put(t.main_db(), "after", "1"); });  // would deadlock on a leaked gate
}

TEST_CASE("insert puts a new key and gives back, untouched, the value of a key already there") {
  const auto dir = fixtures::scratch("lmdb_insert");
  auto env = open_env(dir);
  env.write([](lmdb::txn& t) {
    CHECK_FALSE(t.insert(t.main_db(), "a", "first"));
    const auto there = t.insert(t.main_db(), "a", "second");
    REQUIRE(there);
    CHECK(*there == "first");
    CHECK_FALSE(t.insert(t.main_db(), "b", ""));
  });
  env.read([](const lmdb::txn& t) {
    CHECK(t.get(t.main_db(), "a") == std::optional<std::string_view>("first"));
    CHECK(t.get(t.main_db(), "b") == std::optional<std::string_view>(""));
  });
}

TEST_CASE("cursors iterate in key order inside with_cursor") {
  const auto dir = fixtures::scratch("lmdb_cursor");
  auto env = open_env(dir);
  env.write([](lmdb::txn& t) {
    for (int i = 9; i >= 0; --i) t.put(t.main_db(), key_of(i), std::to_string(i));
    // A cursor on the write txn can delete; it closes before the commit.
    t.with_cursor(t.main_db(), [](lmdb::cursor& c) {
      REQUIRE(c.find(key_of(5)));
      c.del();
    });
  });
  std::vector<std::string> keys;
  env.read([&](const lmdb::txn& t) {
    t.with_cursor(t.main_db(), [&](lmdb::cursor& c) {
      for (auto e = c.first(); e; e = c.next()) keys.emplace_back(e->first);
      CHECK(c.seek("k00000003")->first == "k00000003");
      CHECK(c.seek("k000000035")->first == "k00000004");
      CHECK(c.last()->first == "k00000009");
      CHECK_FALSE(c.seek("z"));
    });
  });
  REQUIRE(keys.size() == 9);
  CHECK(std::is_sorted(keys.begin(), keys.end()));
  CHECK(std::find(keys.begin(), keys.end(), key_of(5)) == keys.end());
}

TEST_CASE("the map grows from 64 KiB through thousands of records") {
  const auto dir = fixtures::scratch("lmdb_grow");
  auto env = open_env(dir, 64 << 10);
  const auto initial = env.map_size();
  CHECK(initial == 64 << 10);
  const std::string value(300, 'v');
  for (int batch = 0; batch < 50; ++batch)
    env.write([&](lmdb::txn& t) {
      for (int i = 0; i < 100; ++i) t.put(t.main_db(), key_of(batch * 100 + i), value);
    });
  CHECK(env.map_size() >= 2 << 20);
  env.read([&](const lmdb::txn& t) {
    CHECK(t.entries(t.main_db()) == 5000);
    CHECK(t.get(t.main_db(), key_of(4999)) == std::optional<std::string_view>(value));
  });
}

TEST_CASE("readers in other threads see consistent data while the map grows") {
  const auto dir = fixtures::scratch("lmdb_grow_threads");
  auto env = open_env(dir, 64 << 10);
  env.write([](lmdb::txn& t) { t.put(t.main_db(), "marker", "m"); });
  std::atomic<bool> stop{false};
  std::atomic<long> reads{0}, bad{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r)
    readers.emplace_back([&] {
      while (!stop) {
        env.read([&](const lmdb::txn& t) {
          if (t.get(t.main_db(), "marker") != std::optional<std::string_view>("m")) ++bad;
        });
        ++reads;
      }
    });
  const std::string value(1000, 'g');
  for (int i = 0; i < 3000; ++i) env.write([&](lmdb::txn& t) { t.put(t.main_db(), key_of(i), value); });
  stop = true;
  for (auto& t : readers) t.join();
  CHECK(bad == 0);
  CHECK(reads > 0);
  CHECK(env.map_size() >= 4 << 20);
}

TEST_CASE("a map grown by another process is adopted (MDB_MAP_RESIZED)") {
  const auto dir = fixtures::scratch("lmdb_resized");
  auto env = open_env(dir, 64 << 10);
  env.write([](lmdb::txn& t) { t.put(t.main_db(), "first", "1"); });
  // Before the child writes: a reset read txn to renew afterwards.
  auto held = env.begin_read();
  held.reset();
  // The child writes 8 MB with a 32 MB map, far beyond this process's 64 KiB.
  REQUIRE(in_child([&] { return raw_child_write(env.path(), 0, 8000, 1000, 32 << 20); }) == 0);
  held.renew();  // renew adopts the size too
  CHECK(held.get(held.main_db(), key_of(7999)).has_value());
  held.abort();
  env.read([&](const lmdb::txn& t) {
    CHECK(t.entries(t.main_db()) == 8001);
    CHECK(t.get(t.main_db(), key_of(4000))->size() == 1000);
  });
  CHECK(env.map_size() >= 32 << 20);
  env.write([](lmdb::txn& t) { t.put(t.main_db(), "after", "1"); });  // and writes on top of it
}

TEST_CASE("stale readers of killed processes are cleared on open") {
  const auto dir = fixtures::scratch("lmdb_stale");
  { auto env = open_env(dir); env.write([](lmdb::txn& t) { t.put(t.main_db(), "a", "1"); }); }
  const auto path = std::filesystem::canonical(dir).string();
  auto raw_open = [&](MDB_env*& e) { return mdb_env_create(&e) || mdb_env_open(e, path.c_str(), 0, 0664); };
  // A live process keeps the environment open, so the lock file (and the dead
  // reader's slot in it) is not re-initialised by the next opener.
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t holder = ::fork();
  if (holder == 0) {
    MDB_env* e = nullptr;
    if (raw_open(e)) ::_exit(2);
    char c = 1;
    (void)!::write(ready[1], &c, 1);
    ::pause();
    ::_exit(0);
  }
  char c = 0;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  const int status = in_child([&] {
    MDB_env* e = nullptr;
    MDB_txn* t = nullptr;
    if (raw_open(e) || mdb_txn_begin(e, nullptr, MDB_RDONLY, &t)) return 2;
    ::kill(::getpid(), SIGKILL);  // dies holding a reader slot
    return 3;
  });
  CHECK(status == 128 + SIGKILL);
  {
    auto env = open_env(dir);
    CHECK(env.stale_readers_cleared() == 1);
  }
  ::kill(holder, SIGKILL);
  ::waitpid(holder, nullptr, 0);
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST_CASE("read-only opens read, refuse writes, and never create") {
  const auto dir = fixtures::scratch("lmdb_ro");
  CHECK_THROWS_WITH_AS(open_env(dir, 64 << 10, true), doctest::Contains("no store at"), consist::store_error);
  CHECK_FALSE(std::filesystem::exists(dir));
  { auto env = open_env(dir); env.write([](lmdb::txn& t) { t.put(t.main_db(), "a", "1"); }); }
  auto ro = open_env(dir, 64 << 10, true);
  CHECK(ro.read([](const lmdb::txn& t) { return std::string(*t.get(t.main_db(), "a")); }) == "1");
  CHECK_THROWS_WITH_AS(ro.write([](lmdb::txn& t) { t.put(t.main_db(), "b", "2"); }),
                       doctest::Contains("opened read-only"), consist::store_error);
}

TEST_CASE("without write permission on the directory: a clear error, and read_only works") {
  const auto dir = fixtures::scratch("lmdb_perm");
  { auto env = open_env(dir); env.write([](lmdb::txn& t) { t.put(t.main_db(), "a", "1"); }); }
  ::chmod((dir / "lock.mdb").c_str(), 0666);  // readers need the lock file (LMDB's rule)
  ::chmod(dir.c_str(), 0555);
  ::chmod((dir / "data.mdb").c_str(), 0444);
  const int status = in_child([&] {
    if (::geteuid() == 0 && ::setuid(65534) != 0) return 10;  // root ignores permissions: become nobody
    try {
      open_env(dir);
      return 11;
    } catch (const consist::store_error& e) {
      if (std::string(e.what()).find("not writable") == std::string::npos) return 12;
    }
    try {
      auto ro = open_env(dir, 64 << 10, true);
      return ro.read([](const lmdb::txn& t) { return t.get(t.main_db(), "a") == std::optional<std::string_view>("1"); })
                 ? 0
                 : 13;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s\n", e.what());
      return 14;
    }
  });
  ::chmod(dir.c_str(), 0775);
  CHECK(status == 0);
}

TEST_CASE("errors name the call and the path, in three parts") {
  const auto dir = fixtures::scratch("lmdb_errors");
  std::filesystem::create_directories(dir);
  {
    std::ofstream garbage(dir / "data.mdb", std::ios::binary);
    for (int i = 0; i < 16384; ++i) garbage.put(static_cast<char>(i * 7));
  }
  try {
    open_env(dir);
    FAIL("a garbage data.mdb opened");
  } catch (const consist::integrity_error& e) {
    const std::string m = e.what();
    CHECK(m.find("Problem: mdb_env_open failed for the store at '" + std::filesystem::canonical(dir).string()) == 0);
    CHECK(m.find("Likely cause: ") != std::string::npos);
    CHECK(m.find("Suggested fix: ") != std::string::npos);
    CHECK(e.likely_cause().find("not an LMDB environment") != std::string::npos);
  }
  const auto file = fixtures::scratch("lmdb_errors_file");
  std::ofstream(file) << "not a directory";
  CHECK_THROWS_AS(open_env(file), consist::store_error);
  CHECK_THROWS_AS(open_env(file / "below"), consist::store_error);
}

TEST_CASE("one environment per path per process, one transaction per thread and environment") {
  const auto dir = fixtures::scratch("lmdb_once");
  auto env = open_env(dir);
  CHECK_THROWS_WITH_AS(open_env(dir), doctest::Contains("already open in this process"), consist::usage_error);
  CHECK_THROWS_AS(env.write([&](lmdb::txn&) { env.read([](const lmdb::txn&) {}); }), consist::usage_error);
  CHECK_THROWS_AS(env.read([&](const lmdb::txn&) { env.read([](const lmdb::txn&) {}); }), consist::usage_error);
  CHECK_THROWS_AS(env.read([&](const lmdb::txn&) { env.write([](lmdb::txn&) {}); }), consist::usage_error);
  // After the refusals nothing is left held: both kinds still work.
  env.write([](lmdb::txn& t) { t.put(t.main_db(), "x", "1"); });
  CHECK(env.read([](const lmdb::txn& t) { return t.get(t.main_db(), "x").has_value(); }));
}

TEST_CASE("a reset read txn sees new data after renew, and a snapshot stays a snapshot") {
  const auto dir = fixtures::scratch("lmdb_renew");
  auto env = open_env(dir);
  env.write([](lmdb::txn& t) { t.put(t.main_db(), "v", "1"); });
  auto snap = env.begin_read();
  std::thread([&] { env.write([](lmdb::txn& t) { t.put(t.main_db(), "v", "2"); }); }).join();
  CHECK(snap.get(snap.main_db(), "v") == std::optional<std::string_view>("1"));
  snap.reset();
  CHECK_THROWS_AS(snap.reset(), consist::usage_error);
  snap.renew();
  CHECK(snap.get(snap.main_db(), "v") == std::optional<std::string_view>("2"));
}

TEST_CASE("a deferred commit leaves the environment's sync flag as it was") {
  const auto dir = fixtures::scratch("lmdb_deferred");
  auto env = open_env(dir);
  env.write([](lmdb::txn& t) { t.put(t.main_db(), "d", "1"); }, lmdb::commit_sync::deferred);
  unsigned flags = 0;
  REQUIRE(mdb_env_get_flags(env.handle(), &flags) == 0);
  CHECK((flags & MDB_NOSYNC) == 0);
  env.sync();
  CHECK(env.read([](const lmdb::txn& t) { return t.get(t.main_db(), "d").has_value(); }));
}

TEST_CASE("a commit that fills the filesystem is reported as a full filesystem, not as a damaged disk") {
  const auto dir = fixtures::scratch("lmdb_full_fs");
  std::filesystem::create_directories(dir);
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=2m") != 0) {
    MESSAGE("cannot mount a small tmpfs here (needs root): skipped");
    return;
  }
  struct unmount {
    std::string path;
    ~unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmounted{dir.string()};
  // An I/O error is what LMDB reports for a write cut short by the full filesystem.
  {
    std::ofstream filler(dir / "filler", std::ios::binary);
    const std::string block(64 << 10, 'f');
    for (int i = 0; i < 64 && filler; ++i) filler.write(block.data(), static_cast<std::streamsize>(block.size()));
  }
  try {
    consist::detail::throw_lmdb_error(EIO, "mdb_txn_commit", dir.string());
  } catch (const consist::store_error& e) {
    CHECK_MESSAGE(e.likely_cause().find("full") != std::string::npos, e.what());
    CHECK_MESSAGE(e.suggested_fix().find("free space") != std::string::npos, e.what());
  }
  std::filesystem::remove(dir / "filler");
  // The same through a store whose commits fill it.
  auto env = open_env(dir / "env", 64 << 10);
  const std::string value(200 << 10, 'v');
  try {
    for (int i = 0; i < 64; ++i) env.write([&](lmdb::txn& t) { t.put(t.main_db(), key_of(i), value); });
    FAIL("12 MiB fit into a 2 MiB filesystem");
  } catch (const consist::store_error& e) {
    CHECK_MESSAGE(e.likely_cause().find("full") != std::string::npos, e.what());
  }
}

TEST_CASE("an I/O error on a filesystem with room is reported as an I/O error") {
  const auto dir = fixtures::scratch("lmdb_eio");
  std::filesystem::create_directories(dir);
  try {
    consist::detail::throw_lmdb_error(EIO, "mdb_txn_commit", dir.string());
  } catch (const consist::store_error& e) {
    CHECK_MESSAGE(e.likely_cause().find("I/O error") != std::string::npos, e.what());
  }
}
