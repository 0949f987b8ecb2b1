// One of several processes writing to one store at once: THREADS threads each
// run RUNS steps with configs no other thread or process uses (all misses).
// With "same" as the last argument it instead runs one slow step whose
// signature every such process shares, so two of them execute it together.
#include <consist.hpp>

#include <boost/hana/define_struct.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <thread>
#include <vector>

struct work_config {
  BOOST_HANA_DEFINE_STRUCT(work_config, (int, process), (int, thread), (int, index));
};

int main(int argc, char** argv) {
  if (argc != 6 && argc != 7) {
    std::fprintf(stderr, "usage: concurrent_writer STORE RUN_DIR PROCESS RUNS THREADS [same]\n");
    return 2;
  }
  const int process = std::stoi(argv[3]), runs = std::stoi(argv[4]), threads = std::stoi(argv[5]);
  consist::tracker t(consist::tracker_config{.store = argv[1], .run_dir = argv[2],
                                             .durability = consist::durability::nosync,
                                             .code_version = "concurrency-test"});
  if (argc == 7) {
    auto slow = [](const work_config& c) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));  // both processes are inside at once
      return c.index;
    };
    const auto r = t.run(slow, consist::name{"same"}, consist::config{work_config{-1, -1, 7}});
    std::printf("%s %s\n", r.run.id.c_str(), r.cache_hit ? "hit" : "miss");
    return 0;
  }
  std::vector<std::thread> workers;
  std::vector<int> failed(static_cast<std::size_t>(threads), 0);
  const std::string name = "w" + std::to_string(process);
  for (int th = 0; th < threads; ++th)
    workers.emplace_back([&, th] {
      try {
        for (int i = 0; i < runs; ++i) {
          const work_config cfg{process, th, i};
          const auto r = t.run([](const work_config& c) { return c.process * 1'000'000 + c.thread * 1000 + c.index; },
                               consist::name{name}, consist::config{cfg});
          if (r.cache_hit || r.value != process * 1'000'000 + th * 1000 + i) failed[static_cast<std::size_t>(th)] = 1;
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "process %d thread %d: %s\n", process, th, e.what());
        failed[static_cast<std::size_t>(th)] = 1;
      }
    });
  for (auto& w : workers) w.join();
  for (const int f : failed)
    if (f) return 1;
  return 0;
}
