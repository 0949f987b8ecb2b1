#include <consist/detail/process_info.hpp>
#include <consist/detail/run_id.hpp>

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

/// What a process sees of itself: its pid as consist reads it, the pid in
/// its process record, and the next run id it draws.
struct seen {
  long long pid = 0;
  long long record_pid = 0;
  char id[32] = {};
};

seen look() {
  seen s;
  s.pid = consist::detail::current_pid();
  s.record_pid = consist::detail::this_process().pid;
  const std::string id = consist::detail::make_run_id("step");
  std::snprintf(s.id, sizeof s.id, "%s", id.c_str());
  return s;
}

}  // namespace

TEST_CASE("current_pid is getpid, read once per process") {
  CHECK(consist::detail::current_pid() == ::getpid());
  CHECK(consist::detail::current_pid() == ::getpid());
  CHECK(consist::detail::this_process().pid == ::getpid());
}

TEST_CASE("a forked child sees its own pid and draws run ids of its own") {
  (void)look();  // the parent's pid is cached and its id generator seeded before the fork
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const seen s = look();
    const bool sent = ::write(fds[1], &s, sizeof s) == static_cast<ssize_t>(sizeof s);
    ::_exit(sent ? 0 : 1);
  }
  ::close(fds[1]);
  const seen parent = look();
  seen in_child;
  std::size_t got = 0;
  while (got < sizeof in_child) {
    const ssize_t n = ::read(fds[0], reinterpret_cast<char*>(&in_child) + got, sizeof in_child - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fds[0]);
  int status = 0;
  pid_t waited = -1;
  do waited = ::waitpid(child, &status, 0);
  while (waited < 0 && errno == EINTR);
  REQUIRE(waited == child);
  REQUIRE(got == sizeof in_child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(in_child.pid == child);
  CHECK(in_child.record_pid == child);
  CHECK(parent.pid == ::getpid());
  // Same generator state at the fork: without a reseed both would draw the same id.
  CHECK(std::strcmp(in_child.id, parent.id) != 0);
}
