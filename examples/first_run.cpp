// A first tracked, cached run: a config struct, a tracker, one t.run.
#include <consist.hpp>

#include <boost/hana/define_struct.hpp>

#include <cstdio>

struct wave_config {
  BOOST_HANA_DEFINE_STRUCT(wave_config, (int, cells), (double, speed));
};

double simulate(const wave_config& c) {  // stands in for an expensive solver
  double energy = 0;
  for (int i = 0; i < c.cells; ++i) energy += c.speed * i * i;
  return energy;
}

int main() {
  consist::tracker t;  // store and run folder: ./.consist
  bool hit = false;
  for (int call = 1; call <= 2; ++call) {
    auto r = t.run(simulate, consist::name{"wave"}, consist::config{wave_config{1000, 0.5}});
    hit = r.cache_hit;
    std::printf("call %d: %s, energy %g, run %s\n", call, hit ? "hit" : "miss", r.value, r.run.id.c_str());
  }
  return hit ? 0 : 1;  // the second call must reuse the first
}
