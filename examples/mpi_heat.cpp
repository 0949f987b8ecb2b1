// The hot-loop story over MPI ranks: a 1-D heat rod split into one slab per
// rank, with a halo exchange every time step, run as ONE cached step for all
// ranks with consist::mpi::run. The first call executes on every rank; the
// second, identical call is a cache hit on every rank and computes nothing.
// The spans in the time loop are reduced over the ranks into the record, so
// each site shows its load imbalance (rank 0 alone writes the profile).
//
//   mpirun -np 2 ./example_mpi_heat        (store and run folder: ./.consist on rank 0)
#include <consist/mpi.hpp>

#include <boost/hana/define_struct.hpp>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

struct rod_config {
  BOOST_HANA_DEFINE_STRUCT(rod_config,
                           (int, cells),           // grid points along the rod
                           (int, steps),           // time steps
                           (double, diffusivity),  // m^2/s
                           (double, dx),           // m
                           (double, dt),           // s
                           (double, hot_end),      // temperature held at the left end
                           (double, initial));     // initial temperature, and at the right end
};

struct rod_summary {
  BOOST_HANA_DEFINE_STRUCT(rod_summary, (double, mean), (double, quarter), (double, last_change));
};

namespace {

int comm_rank(MPI_Comm comm) {
  int r = 0;
  MPI_Comm_rank(comm, &r);
  return r;
}
int comm_size(MPI_Comm comm) {
  int n = 0;
  MPI_Comm_size(comm, &n);
  return n;
}

/// Explicit finite differences on this rank's slab; the summary is reduced
/// over the ranks, so every rank returns the same value.
rod_summary diffuse(const rod_config& c, consist::run_context& ctx, MPI_Comm comm) {
  const int rank = comm_rank(comm), size = comm_size(comm);
  // An uneven split: the first `extra` ranks hold one cell more.
  const int base = c.cells / size, extra = c.cells % size;
  const int mine = base + (rank < extra ? 1 : 0);
  const int first = rank * base + std::min(rank, extra);
  const int left = rank == 0 ? MPI_PROC_NULL : rank - 1, right = rank == size - 1 ? MPI_PROC_NULL : rank + 1;
  const double r = c.diffusivity * c.dt / (c.dx * c.dx);

  std::vector<double> u(static_cast<std::size_t>(mine) + 2, c.initial), next(u.size());
  double last_change = 0;
  for (int step = 0; step < c.steps; ++step) {
    {
      CONSIST_SPAN("rod.halo_exchange");
      MPI_Sendrecv(&u[1], 1, MPI_DOUBLE, left, 0, &u[static_cast<std::size_t>(mine) + 1], 1, MPI_DOUBLE, right, 0,
                   comm, MPI_STATUS_IGNORE);
      MPI_Sendrecv(&u[static_cast<std::size_t>(mine)], 1, MPI_DOUBLE, right, 1, &u[0], 1, MPI_DOUBLE, left, 1, comm,
                   MPI_STATUS_IGNORE);
      if (rank == 0) u[0] = c.hot_end;
      if (rank == size - 1) u[static_cast<std::size_t>(mine) + 1] = c.initial;
    }
    {
      CONSIST_SPAN("rod.stencil");
      for (std::size_t i = 1; i <= static_cast<std::size_t>(mine); ++i)
        next[i] = u[i] + r * (u[i - 1] - 2.0 * u[i] + u[i + 1]);
    }
    if (step == c.steps - 1)
      for (std::size_t i = 1; i <= static_cast<std::size_t>(mine); ++i)
        last_change = std::max(last_change, std::abs(next[i] - u[i]));
    std::swap(u, next);
  }

  // The profile: gathered on rank 0, which alone writes it (a site only it enters).
  std::vector<int> counts(static_cast<std::size_t>(size)), offsets(counts.size());
  MPI_Gather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm);
  for (std::size_t k = 1; k < counts.size(); ++k) offsets[k] = offsets[k - 1] + counts[k - 1];
  std::vector<double> rod(rank == 0 ? static_cast<std::size_t>(c.cells) : 0);
  MPI_Gatherv(&u[1], mine, MPI_DOUBLE, rod.data(), counts.data(), offsets.data(), MPI_DOUBLE, 0, comm);
  if (rank == 0) {
    CONSIST_SPAN("rod.write_profile");
    std::ofstream out(ctx.output_path("profile.csv"));
    out << "x,temperature\n";
    for (int i = 0; i < c.cells; i += 100) out << i * c.dx << ',' << rod[static_cast<std::size_t>(i)] << '\n';
  }

  double sums[2] = {0, 0};  // the rod's total temperature, and the value a quarter along it
  for (std::size_t i = 1; i <= static_cast<std::size_t>(mine); ++i) sums[0] += u[i];
  const int quarter = c.cells / 4;
  if (quarter >= first && quarter < first + mine) sums[1] = u[static_cast<std::size_t>(quarter - first) + 1];
  MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, comm);
  MPI_Allreduce(MPI_IN_PLACE, &last_change, 1, MPI_DOUBLE, MPI_MAX, comm);
  return {sums[0] / c.cells, sums[1], last_change};
}

void print_span_ranks(const consist::run_record& r) {
  std::printf("    %-20s %9s %12s %12s %12s %12s %9s\n", "span", "ranks in", "count sum", "min ms", "mean ms",
              "max ms", "max/mean");
  for (const auto& s : r.span_ranks) {
    const double mean = static_cast<double>(s.total_ns_sum) / s.ranks;
    std::printf("    %-20s %6u/%-2u %12llu %12.3f %12.3f %12.3f %8.2fx\n", s.name.c_str(), s.entered, s.ranks,
                static_cast<unsigned long long>(s.count_sum), s.total_ns_min / 1e6, mean / 1e6,
                s.total_ns_max / 1e6, mean > 0 ? s.total_ns_max / mean : 1.0);
  }
}

const consist::span_rank_stat* site(const consist::run_record& r, const std::string& name) {
  for (const auto& s : r.span_ranks)
    if (s.name == name) return &s;
  return nullptr;
}

/// Whether the computing run's span reduction matches what each of its
/// ranks did. (The number of ranks is not part of a run's identity: a run
/// computed on 2 ranks is a hit for the same step on 4.)
bool spans_hold(const consist::run_record& r, const rod_config& c) {
  const auto* stencil = site(r, "rod.stencil");
  const auto* halo = site(r, "rod.halo_exchange");
  const auto* profile = site(r, "rod.write_profile");
  if (!stencil || !halo || !profile) return false;
  const auto steps = static_cast<std::uint64_t>(c.steps), ranks = std::uint64_t{stencil->ranks};
  return ranks >= 1 && stencil->entered == ranks && stencil->count_min == steps &&
         stencil->count_sum == steps * ranks && halo->count_sum == steps * ranks && profile->entered == 1 &&
         profile->slowest_rank == 0;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  const MPI_Comm comm = MPI_COMM_WORLD;
  const int rank = comm_rank(comm), size = comm_size(comm);
  bool story_holds = true;
  {
    std::unique_ptr<consist::tracker> t;  // rank 0 owns the store: ./.consist
    if (rank == 0) t = std::make_unique<consist::tracker>();
    const rod_config cfg{.cells = 20011, .steps = 2000, .diffusivity = 1e-4, .dx = 0.01, .dt = 0.4,
                         .hot_end = 100.0, .initial = 20.0};
    int computed = 0;
    const auto step = [&](const rod_config& c, consist::run_context& ctx) {
      ++computed;
      return diffuse(c, ctx, comm);
    };
    rod_summary firsts{};
    for (int call = 1; call <= 2; ++call) {
      auto res = consist::mpi::run(comm, t.get(), step, consist::name{"rod"}, consist::config{cfg},
                                   consist::outputs{"profile.csv"});
      int hit = res.cache_hit ? 1 : 0, hits = 0;
      MPI_Allreduce(&hit, &hits, 1, MPI_INT, MPI_SUM, comm);
      if (call == 1) firsts = res.value;
      const bool same_value = res.value.mean == firsts.mean && res.value.quarter == firsts.quarter &&
                              res.value.last_change == firsts.last_change;
      if (rank == 0) {
        std::printf("call %d: %s on %d of %d ranks in %.3f s (run %s): mean %.3f, quarter %.3f, last change %.2e\n",
                    call, res.cache_hit ? "cache hit" : "executed", res.cache_hit ? hits : size - hits, size,
                    res.run.duration_seconds(), res.run.id.c_str(), res.value.mean, res.value.quarter,
                    res.value.last_change);
        // A hit's own record has no spans: they are on the run it reused.
        const auto computed_by = res.cache_hit ? t->store().get_run(res.run.cache_source) : res.run;
        if (!computed_by || !spans_hold(*computed_by, cfg)) {
          std::printf("STORY BROKEN: the computing run's spans over ranks do not match %d steps per rank\n",
                      cfg.steps);
          story_holds = false;
        } else if (call == 1) {
          std::printf("  spans of run %s over its ranks:\n", computed_by->id.c_str());
          print_span_ranks(*computed_by);
        }
      }
      if ((call == 1 && hits != 0) || (call == 2 && hits != size)) {
        if (rank == 0)
          std::printf("STORY BROKEN: call %d was a hit on %d of %d ranks, expected %d\n", call, hits, size,
                      call == 1 ? 0 : size);
        story_holds = false;
      }
      if (!same_value) {
        std::printf("STORY BROKEN: rank %d restored another value than it computed\n", rank);
        story_holds = false;
      }
    }
    if (computed != 1) {
      std::printf("STORY BROKEN: rank %d ran the solver %d times\n", rank, computed);
      story_holds = false;
    }
  }
  int ok = story_holds ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_LAND, comm);
  MPI_Finalize();
  return ok ? 0 : 1;
}
