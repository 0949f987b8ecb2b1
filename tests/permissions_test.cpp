// Permissions: a new store and its snapshots honour the umask and are never
// world-writable; a store without write permission answers queries
// read-only and refuses runs with a clear error.
#include <consist.hpp>

#include <boost/hana/define_struct.hpp>
#include <doctest/doctest.h>
#include <scratch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace {

struct perm_config {
  BOOST_HANA_DEFINE_STRUCT(perm_config, (int, n));
};

consist::tracker_config config_in(const std::filesystem::path& dir) {
  return consist::tracker_config{.store = dir / "store", .run_dir = dir, .code_version = "permissions-test"};
}

mode_t mode_of(const std::filesystem::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

/// Runs fn in a forked child with `mask` as umask; the child's exit status.
template <class Fn>
int in_child(Fn fn) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    int code = 0;
    try {
      code = fn();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s\n", e.what());
      code = 99;
    }
    ::_exit(code);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int one_run(const std::filesystem::path& dir) {
  consist::tracker t(config_in(dir));
  const auto r = t.run([](const perm_config& c) { return c.n; }, consist::name{"perm"}, consist::config{perm_config{3}});
  return r.value == 3 ? 0 : 1;
}

}  // namespace

TEST_CASE("the umask is honoured and nothing is world-writable, even with umask 0") {
  for (const mode_t mask : {mode_t{0}, mode_t{022}, mode_t{077}}) {
    CAPTURE(mask);
    const auto dir = consist_test::scratch_dir("perm_umask");
    REQUIRE(in_child([&] {
              ::umask(mask);
              return one_run(dir);
            }) == 0);
    std::vector<std::filesystem::path> created{dir / "store", dir / "store" / "data.mdb", dir / "store" / "lock.mdb",
                                               dir / "runs"};
    for (const auto& e : std::filesystem::directory_iterator(dir / "runs")) created.push_back(e.path());
    for (const auto& p : created) {
      CAPTURE(p);
      const mode_t m = mode_of(p);
      CHECK((m & 002) == 0);     // never world-writable
      CHECK((m & mask) == 0);    // the umask is honoured
    }
  }
}

TEST_CASE("a store without write permission: read-only queries work, runs are refused clearly") {
  const auto dir = consist_test::scratch_dir("perm_readonly");
  REQUIRE(one_run(dir) == 0);
  // Another user's store: readable, not writable, except the lock file
  // readers must write to (LMDB's rule for shared read access).
  for (const auto& p : std::filesystem::recursive_directory_iterator(dir))
    ::chmod(p.path().c_str(), p.is_directory() ? 0755 : 0644);
  ::chmod(dir.c_str(), 0755);
  ::chmod((dir / "store" / "lock.mdb").c_str(), 0666);
  const int status = in_child([&] {
    if (::geteuid() == 0 && ::setuid(65534) != 0) return 10;  // root ignores permissions: become nobody
    try {
      consist::tracker t(config_in(dir));
      return 12;  // a tracker needs a writable store
    } catch (const consist::store_error& e) {
      if (std::string(e.what()).find("not writable") == std::string::npos) return 13;
    }
    auto store = consist::run_store::open(consist::store_options{.path = dir / "store", .read_only = true});
    consist::run_query q;
    q.model = "perm";
    if (store->find_runs(q).size() != 1) return 11;
    try {
      auto again = store->find_runs(q).front();
      again.id = "perm_again";
      again.status = consist::run_status::running;
      store->begin_run(again);
      return 14;
    } catch (const consist::error& e) {
      if (std::string(e.what()).find("read-only") == std::string::npos) return 15;
    }
    return 0;
  });
  CHECK(status == 0);
}
