// Capacity: a store created with a tiny map grows through 1e5 runs; a full
// filesystem fails the run with a consist::error that names the store, and
// the store stays readable with every earlier run intact.
#include "processes.hpp"

#include <consist.hpp>

#include <boost/hana/define_struct.hpp>
#include <doctest/doctest.h>
#include <scratch.hpp>

#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>

namespace {

struct capacity_config {
  BOOST_HANA_DEFINE_STRUCT(capacity_config, (int, index), (std::string, padding));
};

constexpr int many_runs = 100'000;

// Many names, so the random run-id suffixes of one name stay far from colliding.
std::string name_of(int i) { return "cap" + std::to_string(i % 1000); }

}  // namespace

TEST_CASE("a store created with a 64 KiB map grows through 1e5 runs") {
  const auto dir = consist_test::scratch_dir("capacity");
  const auto started = std::chrono::steady_clock::now();
  std::size_t map_size = 0;
  {
    consist::tracker t(consist::tracker_config{.store = dir / "store", .run_dir = dir, .durability = consist::durability::nosync,
                                               .code_version = "capacity-test", .initial_map_size = 64 << 10, .tracing = false});
    for (int i = 0; i < many_runs; ++i) {
      const auto r = t.run([](const capacity_config& c) { return c.index; }, consist::name{name_of(i)},
                           consist::config{capacity_config{i, ""}});
      REQUIRE(r.value == i);
    }
    CHECK(t.store().run_count() == static_cast<std::size_t>(many_runs));
    map_size = t.store().environment().map_size();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  auto store = consist::run_store::open(consist::store_options{.path = dir / "store", .read_only = true});
  CHECK(store->run_count() == static_cast<std::size_t>(many_runs));
  consist::run_query q;
  q.model = name_of(4242);
  CHECK(store->find_runs(q).size() == static_cast<std::size_t>(many_runs / 1000));
  std::printf("capacity: %d runs from a 64 KiB map in %.1f s (%.0f runs/s), map grew to %zu MiB\n", many_runs,
              seconds, many_runs / seconds, map_size >> 20);
  CHECK(map_size > std::size_t{64} << 10);
}

TEST_CASE("a full filesystem fails the run with a consist::error naming the store; nothing committed is lost") {
  const auto dir = consist_test::scratch_dir("full_disk");
  const auto small = dir / "small", ids = dir / "completed.txt", message = dir / "error.txt";
  std::filesystem::create_directories(small);
  // A 2 MiB tmpfs when this process may mount; otherwise a file size limit
  // (RLIMIT_FSIZE) on the writing child, just above the store's current size.
  const bool mounted = ::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=2m") == 0;
  const auto store_dir = small / "store";
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int code = 0;
    try {
      consist::tracker t(consist::tracker_config{.store = store_dir, .run_dir = dir, .code_version = "full-disk-test",
                                                 .initial_map_size = 64 << 10, .tracing = false});
      if (!mounted) {
        std::signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails with EFBIG instead of killing
        const rlimit cap{2 << 20, 2 << 20};
        ::setrlimit(RLIMIT_FSIZE, &cap);
      }
      std::ofstream done(ids);
      const std::string padding(8 << 10, 'x');  // ~8 KiB per record: the filesystem fills after ~200 runs
      for (int i = 0; i < 100'000; ++i) {
        const auto r = t.run([](const capacity_config& c) { return c.index; }, consist::name{name_of(i)},
                             consist::config{capacity_config{i, padding}});
        done << r.run.id << "\n" << std::flush;
      }
      code = 4;  // never filled up
    } catch (const consist::error& e) {
      std::ofstream(message) << e.what();
    } catch (...) {
      code = 3;
    }
    ::_exit(code);
  }
  CHECK(reliability::wait_for(child) == 0);
  std::ifstream in(message);
  const std::string what((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  INFO(what);
  CHECK(what.find(store_dir.string()) != std::string::npos);
  CHECK((what.find("full") != std::string::npos || what.find("file size limit") != std::string::npos ||
         what.find("largest file") != std::string::npos));
  const auto completed = reliability::lines_of(ids);
  {
    auto store = consist::run_store::open(consist::store_options{.path = store_dir, .read_only = true});
    for (const auto& id : completed) {
      const auto r = store->get_run(id);
      REQUIRE_MESSAGE(r, id);
      CHECK(r->status == consist::run_status::completed);
    }
    CHECK(store->find_runs({}).size() >= completed.size());  // every record still decodes
    std::printf("full filesystem (%s): failed after %zu runs with: %.160s\n",
                mounted ? "2 MiB tmpfs" : "RLIMIT_FSIZE 2 MiB", completed.size(), what.c_str());
  }
  CHECK(completed.size() > 10);
  if (mounted) ::umount(small.c_str());
}
