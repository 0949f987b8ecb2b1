// Runs one cached step against the store given on the command line and prints
// "hit" or "miss": the second process of the cross-process cache test.
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

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: run_step STORE RUN_DIR ALPHA\n");
    return 2;
  }
  consist::tracker t(consist::tracker_config{.store = argv[1], .run_dir = argv[2], .code_version = "test-code-1"});
  const demand_config cfg{std::stod(argv[3]), 4, "proc"};
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
  return 0;
}
