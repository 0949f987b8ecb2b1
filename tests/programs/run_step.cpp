// Runs one cached step against the store given on the command line and prints
// "hit" or "miss" (or "error: " and the error's text, after the tracker has
// closed): the second process of the cross-process cache test.
#include <consist.hpp>

#include <boost/hana/define_struct.hpp>

#include <cstdio>
#include <string>
#include <vector>

struct demand_config {
  BOOST_HANA_DEFINE_STRUCT(demand_config, (double, alpha), (int, zones), (std::string, label));
};
struct trip_totals {
  BOOST_HANA_DEFINE_STRUCT(trip_totals, (double, total), (std::vector<double>, per_zone));
};

void step(consist::tracker& t, const demand_config& cfg) {
  auto r = t.run(
      [](const demand_config& c) {
        trip_totals out{0.0, {}};
        for (int z = 0; z < c.zones; ++z) {
          out.per_zone.push_back(c.alpha * (z + 1));
          out.total += out.per_zone.back();
        }
        return out;
      },
      consist::name{"demand"}, consist::config{cfg});
  std::printf("%s\n", r.cache_hit ? "hit" : "miss");
}

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: run_step STORE RUN_DIR ALPHA\n");
    return 2;
  }
  const demand_config cfg{std::stod(argv[3]), 4, "proc"};
  std::string error;
  try {
    consist::tracker t(consist::tracker_config{.store = argv[1], .run_dir = argv[2], .code_version = "test-code-1"});
    step(t, cfg);
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (error.empty()) return 0;
  std::printf("error: %s\n", error.c_str());
  return 1;
}
