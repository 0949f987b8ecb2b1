// A process that is killed mid-work: runs steps in a loop against one store
// and appends "<run id> <miss|hit>" to a report file once each run has
// returned (so the record is committed and its snapshot written). Every third
// step writes an output; every fifth repeats an earlier config (a cache hit,
// flushed before it is reported). Runs until killed, or for the count given.
#include <consist.hpp>

#include <boost/hana/define_struct.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

struct crash_config {
  BOOST_HANA_DEFINE_STRUCT(crash_config, (long, index), (long, salt));
};

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: crash_child STORE RUN_DIR REPORT_FILE [RUNS]\n");
    return 2;
  }
  const long runs = argc == 5 ? std::stol(argv[4]) : -1;
  const int report = ::open(argv[3], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (report < 0) return 3;
  consist::tracker t(consist::tracker_config{.store = argv[1], .run_dir = argv[2], .code_version = "crash-test"});
  const long salt = ::getpid();
  auto step = [](const crash_config& c, consist::run_context& ctx) {
    // Widens the window a kill lands in, and outlasts the background writer's
    // linger (~2 ms), so most kills find the step's `running` record written.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (c.index % 3 == 0) std::ofstream(ctx.output_path("table.csv")) << "index," << c.index << "\n";
    return c.index * 2;
  };
  for (long i = 0; runs < 0 || i < runs; ++i) {
    const crash_config cfg{i % 5 == 4 ? i - 4 : i, salt};
    const auto r = cfg.index % 3 == 0
                       ? t.run(step, consist::name{"crash"}, consist::config{cfg}, consist::outputs{"table.csv"})
                       : t.run(step, consist::name{"crash"}, consist::config{cfg});
    if (r.value != cfg.index * 2) return 4;
    if (r.cache_hit) t.flush();  // a hit's record is queued: reported once it is written
    const std::string line = r.run.id + (r.cache_hit ? " hit\n" : " miss\n");
    if (::write(report, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return 5;
  }
  return 0;
}
