// A parent with a live tracker forks. The child opens a tracker of its own on
// the same store, runs a hit and a miss and closes it; then it tries the
// parent's tracker, which must refuse, and leaves the scope where that
// tracker lives. The parent waits and counts the runs. Every line printed
// says what one side saw.
#include <consist.hpp>

#include <boost/hana/define_struct.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

struct step_config {
  BOOST_HANA_DEFINE_STRUCT(step_config, (long, index));
};

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fork_child STORE RUN_DIR\n");
    return 2;
  }
  const consist::tracker_config cfg{.store = argv[1], .run_dir = argv[2], .code_version = "fork-test"};
  const auto step = [](const step_config& c) { return c.index * 2; };
  pid_t child = -1;
  {
    consist::tracker t(cfg);
    t.run(step, consist::name{"s"}, consist::config{step_config{0}});
    std::fflush(stdout);
    child = ::fork();
    if (child < 0) return 2;
    if (child == 0) {
      ::alarm(30);  // a child that hangs ends here rather than the test
      {
        consist::tracker own(cfg);
        const auto hit = own.run(step, consist::name{"s"}, consist::config{step_config{0}});
        const auto miss = own.run(step, consist::name{"s"}, consist::config{step_config{1}});
        std::printf("child: hit %d, miss %d\n", hit.cache_hit ? 1 : 0, miss.cache_hit ? 0 : 1);
      }
      try {
        t.run(step, consist::name{"s"}, consist::config{step_config{2}});
        std::printf("child: the parent's tracker ran a step\n");
      } catch (const consist::usage_error& e) {
        std::printf("child: refused: %s\n", e.problem().c_str());
      }
      std::fflush(stdout);
    }
  }
  if (child == 0) {
    std::printf("child: closed\n");
    std::fflush(stdout);
    return 0;
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  consist::tracker t(cfg);
  consist::run_query q;
  q.model = "s";
  std::printf("parent: child exit %d, %zu runs\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
              t.find_runs(q).size());
  return 0;
}
