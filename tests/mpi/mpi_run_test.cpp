// consist::mpi::run under mpirun (2 and 4 ranks): hit and miss decided once
// for all ranks, identities checked across ranks, failures raised on every
// rank, spans reduced over ranks, values restored on every rank. Every case
// runs on every rank; checks that involve other ranks go through MPI, and
// only CHECK (never REQUIRE) is used around collectives, so one failing rank
// cannot leave the others waiting.
#include <consist/mpi.hpp>
#include <consist/store/snapshot.hpp>

#include <scratch.hpp>

#include <boost/hana/define_struct.hpp>
#include <doctest/doctest.h>
#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct solver_config {
  BOOST_HANA_DEFINE_STRUCT(solver_config, (int, cells), (double, alpha), (std::string, scheme));
};

struct field_summary {
  BOOST_HANA_DEFINE_STRUCT(field_summary, (std::vector<double>, totals), (std::string, label), (std::int64_t, cells));
};

int rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int world_size() {
  int n = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}

/// Rank 0's tracker in a fresh scratch folder; nullptr on the other ranks.
std::unique_ptr<consist::tracker> owner(const std::string& name, const std::string& code = "mpi-test-1") {
  if (rank() != 0) return nullptr;
  const auto dir = consist_test::scratch_dir(name);
  return std::make_unique<consist::tracker>(
      consist::tracker_config{.store = dir / "store", .run_dir = dir, .code_version = code});
}

/// Whether every rank holds the same text.
bool same_on_all_ranks(const std::string& text) {
  const consist::digest128 d = consist::digest(text);
  std::uint64_t words[4] = {};
  for (int half = 0; half < 2; ++half) {
    std::uint64_t w = 0;
    for (int k = 0; k < 8; ++k) w |= std::uint64_t{d[static_cast<std::size_t>(8 * half + k)]} << (8 * k);
    words[half] = w;
    words[2 + half] = ~w;
  }
  MPI_Allreduce(MPI_IN_PLACE, words, 4, MPI_UINT64_T, MPI_BAND, MPI_COMM_WORLD);
  return words[0] == ~words[2] && words[1] == ~words[3];
}

bool on_all_ranks(bool mine) {
  int v = mine ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
  return v != 0;
}

std::uint64_t sum_over_ranks(std::uint64_t mine) {
  MPI_Allreduce(MPI_IN_PLACE, &mine, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
  return mine;
}

std::uint64_t max_over_ranks(std::uint64_t mine) {
  MPI_Allreduce(MPI_IN_PLACE, &mine, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
  return mine;
}

std::string all_ranks_text(int n) { return n == 1 ? "0" : "0-" + std::to_string(n - 1); }

doctest::Contains has(const std::string& s) { return doctest::Contains(doctest::String(s.c_str())); }
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void spin(std::chrono::microseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
  }
}

const consist::span_rank_stat* site(const consist::run_record& r, const std::string& name) {
  for (const auto& s : r.span_ranks)
    if (s.name == name) return &s;
  return nullptr;
}

const consist::span_stat* merged_site(const consist::run_record& r, const std::string& name) {
  for (const auto& s : r.span_stats)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace

TEST_CASE("hit and miss agree on every rank") {
  INFO("rank ", rank());
  auto t = owner("hit_miss");
  int calls = 0;
  const auto step = [&](const solver_config& c) {
    ++calls;
    return c.cells * 2;
  };
  const solver_config cfg{100, 0.5, "upwind"};
  const auto first = consist::mpi::run(MPI_COMM_WORLD, t.get(), step, consist::name{"agree"}, consist::config{cfg});
  const auto second = consist::mpi::run(MPI_COMM_WORLD, t.get(), step, consist::name{"agree"}, consist::config{cfg});
  CHECK_FALSE(first.cache_hit);
  CHECK(second.cache_hit);
  CHECK(first.value == 200);
  CHECK(second.value == 200);
  CHECK(calls == 1);
  CHECK(on_all_ranks(!first.cache_hit && second.cache_hit));
  CHECK(same_on_all_ranks(first.run.id));
  CHECK(same_on_all_ranks(second.run.id));
  CHECK(second.run.cache_source == first.run.id);
  CHECK(first.run.status == consist::run_status::completed);
  CHECK(first.run.meta.at("mpi").at("world_size").to_number<int>() == world_size());
  CHECK(first.run.meta.at("mpi").at("executed_ranks").as_string() == all_ranks_text(world_size()).c_str());
  CHECK(second.run.meta.at("mpi").at("executed_ranks").as_string() == "");
  if (t) {
    t->flush();
    const auto miss = t->store().get_run(first.run.id);
    const auto hit = t->store().get_run(second.run.id);
    CHECK((miss && hit));
    if (miss && hit) {
      CHECK(miss->status == consist::run_status::completed);
      CHECK(miss->meta.at("mpi").at("executed_ranks").as_string() == all_ranks_text(world_size()).c_str());
      CHECK(hit->cache_hit);
      CHECK(hit->cache_source == first.run.id);
      CHECK(hit->meta.at("mpi").at("world_size").to_number<int>() == world_size());
    }
  }
}

TEST_CASE("rank 0's tracker settings reach every rank") {
  INFO("rank ", rank());
  const solver_config cfg{10, 1.0, "upwind"};
  const auto step = [](const solver_config& c) { return c.cells; };
  std::vector<std::string> versions;
  for (const std::string code : {"settings-v1", "settings-v2"}) {
    // A new tracker with another code version: the other ranks must resolve
    // with it too, or their signatures would not match rank 0's.
    auto t = owner("settings_" + code, code);
    const auto miss = consist::mpi::run(MPI_COMM_WORLD, t.get(), step, consist::name{"settings"}, consist::config{cfg});
    const auto hit = consist::mpi::run(MPI_COMM_WORLD, t.get(), step, consist::name{"settings"}, consist::config{cfg});
    CHECK_FALSE(miss.cache_hit);
    CHECK(hit.cache_hit);
    // A hit's record is built on each rank from that rank's own identity.
    CHECK(hit.run.identity.code_version == code);
    versions.push_back(hit.run.signature);
  }
  CHECK(versions.size() == 2);
  if (versions.size() == 2) CHECK(versions[0] != versions[1]);
}

TEST_CASE("a rank with another config is an error on every rank naming it") {
  INFO("rank ", rank());
  auto t = owner("config_mismatch");
  int calls = 0;
  const auto step = [&](const solver_config& c) {
    ++calls;
    return c.alpha;
  };
  const solver_config cfg{64, rank() == 1 ? 2.0 : 1.0, "upwind"};
  bool raised = false;
  try {
    consist::mpi::run(MPI_COMM_WORLD, t.get(), step, consist::name{"mismatch"}, consist::config{cfg});
  } catch (const consist::mpi::identity_mismatch& e) {
    raised = true;
    CHECK(e.ranks() == std::vector<int>{1});
    CHECK(e.components() == std::vector<std::string>{"config"});
    const std::string differs = "rank 1 of " + std::to_string(world_size()) + " differs from rank 0 in config";
    CHECK_MESSAGE(contains(e.problem(), differs), e.problem());
    CHECK_MESSAGE(contains(e.problem(), "fields: alpha"), e.problem());
    CHECK_MESSAGE(contains(e.what(), "Likely cause:"), e.what());
    CHECK_MESSAGE(contains(e.what(), "Suggested fix:"), e.what());
  }
  CHECK(raised);
  CHECK(on_all_ranks(raised));
  CHECK(calls == 0);
  if (t) CHECK(t->store().find_runs(consist::run_query{}).empty());
  // Nothing lingers: with the same config everywhere the run proceeds.
  const solver_config same{64, 1.0, "upwind"};
  const auto r = consist::mpi::run(MPI_COMM_WORLD, t.get(), step, consist::name{"mismatch"}, consist::config{same});
  CHECK_FALSE(r.cache_hit);
  CHECK(calls == 1);
}

TEST_CASE("an exception on rank 1 fails the run and is raised on every rank") {
  INFO("rank ", rank());
  auto t = owner("rank_exception");
  const solver_config cfg{8, 0.25, "upwind"};
  bool fail = true;
  const auto step = [&](const solver_config& c) {
    if (fail && rank() == 1) throw std::runtime_error("boom on rank 1");
    return c.cells;
  };
  bool raised = false, nested_ok = false;
  try {
    consist::mpi::run(MPI_COMM_WORLD, t.get(), step, consist::name{"explodes"}, consist::config{cfg});
  } catch (const consist::mpi::rank_failure& e) {
    raised = true;
    CHECK(e.ranks() == std::vector<int>{1});
    const std::string failed = "failed on rank 1 of " + std::to_string(world_size()) + ": boom on rank 1";
    CHECK_MESSAGE(contains(e.problem(), failed), e.problem());
    try {
      std::rethrow_if_nested(e);
      nested_ok = rank() != 1;  // only the rank that threw carries its exception
    } catch (const std::runtime_error& inner) {
      nested_ok = rank() == 1 && std::string(inner.what()) == "boom on rank 1";
    }
  }
  CHECK(raised);
  CHECK(nested_ok);
  CHECK(on_all_ranks(raised));
  if (t) {
    const auto runs = t->store().find_runs(consist::run_query{});
    CHECK(runs.size() == 1);
    if (runs.size() == 1) {
      CHECK(runs[0].status == consist::run_status::failed);
      CHECK_MESSAGE(contains(runs[0].error, "rank 1: boom on rank 1"), runs[0].error);
      CHECK(runs[0].meta.at("mpi").at("failed_ranks").as_string() == "1");
      CHECK(runs[0].meta.at("mpi").at("executed_ranks").as_string() == all_ranks_text(world_size()).c_str());
    }
  }
  // A failed run is no cache candidate: the next call executes and completes.
  fail = false;
  const auto again = consist::mpi::run(MPI_COMM_WORLD, t.get(), step, consist::name{"explodes"}, consist::config{cfg});
  CHECK_FALSE(again.cache_hit);
  CHECK(again.run.status == consist::run_status::completed);
}

TEST_CASE("spans are reduced per site over the ranks") {
  INFO("rank ", rank());
  auto t = owner("spans");
  const int me = rank(), n = world_size();
  constexpr auto span_length = std::chrono::microseconds(20);
  std::uint64_t my_count = 0, my_wall_ns = 0;
  const auto step = [&] {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 10 * (me + 1); ++i) {
      CONSIST_SPAN("mpi_test.work");
      spin(span_length);
      ++my_count;
    }
    my_wall_ns = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count());
    if (me == 0) {
      CONSIST_SPAN("mpi_test.root_only");
      spin(span_length);
    }
    for (int i = 0; i <= me; ++i) CONSIST_COUNT("mpi_test.count");
    return 1;
  };
  const auto r = consist::mpi::run(MPI_COMM_WORLD, t.get(), step, consist::name{"spans"});
  CHECK(same_on_all_ranks(consist::record_to_text(r.run)));

  const std::uint64_t count_sum = sum_over_ranks(my_count);
  const std::uint64_t wall_sum = sum_over_ranks(my_wall_ns), wall_max = max_over_ranks(my_wall_ns);
  const auto un = static_cast<std::uint64_t>(n);
  const auto* work = site(r.run, "mpi_test.work");
  CHECK(work != nullptr);
  if (work) {
    CHECK(work->ranks == un);
    CHECK(work->entered == un);
    CHECK(work->timed);
    CHECK(work->count_min == 10);
    CHECK(work->count_max == 10 * un);
    CHECK(work->count_sum == count_sum);
    CHECK(work->count_sum == 10 * un * (un + 1) / 2);
    // Each span lasts at least span_length, and a rank's spans fit in its loop.
    const auto at_least = static_cast<std::uint64_t>(std::chrono::nanoseconds(span_length).count());
    CHECK(work->total_ns_min >= 10 * at_least);
    CHECK(work->total_ns_sum >= count_sum * at_least);
    CHECK(static_cast<double>(work->total_ns_sum) <= 1.02 * static_cast<double>(wall_sum));
    CHECK(static_cast<double>(work->total_ns_max) <= 1.02 * static_cast<double>(wall_max));
    CHECK(work->total_ns_min <= work->total_ns_max);
    CHECK(work->total_ns_max * un >= work->total_ns_sum);
    CHECK(work->total_ns_min * un <= work->total_ns_sum);
    CHECK(work->slowest_rank < un);
    const auto* merged = merged_site(r.run, "mpi_test.work");
    CHECK(merged != nullptr);
    if (merged) {
      CHECK(merged->count == work->count_sum);
      CHECK(merged->total_ns == work->total_ns_sum);
      CHECK(merged->threads == un);
      CHECK(merged->min_ns >= at_least);
    }
  }
  const auto* root_only = site(r.run, "mpi_test.root_only");
  CHECK(root_only != nullptr);
  if (root_only) {
    CHECK(root_only->entered == 1);
    CHECK(root_only->count_min == 0);
    CHECK(root_only->total_ns_min == 0);
    CHECK(root_only->count_max == 1);
    CHECK(root_only->slowest_rank == 0);
  }
  const auto* counted = site(r.run, "mpi_test.count");
  CHECK(counted != nullptr);
  if (counted) {
    CHECK_FALSE(counted->timed);
    CHECK(counted->count_min == 1);
    CHECK(counted->count_max == un);
    CHECK(counted->count_sum == un * (un + 1) / 2);
    CHECK(counted->slowest_rank == un - 1);
  }
  if (t) {
    const auto stored = t->store().get_run(r.run.id);
    CHECK(stored.has_value());
    if (stored) CHECK(stored->span_ranks == r.run.span_ranks);
    const auto snap = consist::read_snapshot(consist::snapshot_path(t->run_dir(), r.run.id));
    CHECK(snap.span_ranks == r.run.span_ranks);
  }
}

TEST_CASE("a hit restores rank 0's stored value on every rank") {
  INFO("rank ", rank());
  auto t = owner("restored_value");
  const solver_config cfg{32, 0.75, "centered"};
  const auto step = [](const solver_config& c) {
    // Every rank contributes a part; the reduced totals are the same everywhere.
    std::vector<double> totals{c.alpha * (rank() + 1), 1.0 / (rank() + 3), static_cast<double>(c.cells)};
    MPI_Allreduce(MPI_IN_PLACE, totals.data(), static_cast<int>(totals.size()), MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return field_summary{totals, c.scheme + " over " + std::to_string(world_size()) + " ranks", c.cells};
  };
  const auto miss = consist::mpi::run(MPI_COMM_WORLD, t.get(), step, consist::name{"restore"}, consist::config{cfg});
  const auto hit = consist::mpi::run(MPI_COMM_WORLD, t.get(), step, consist::name{"restore"}, consist::config{cfg});
  CHECK_FALSE(miss.cache_hit);
  CHECK(hit.cache_hit);
  CHECK(hit.value.totals == miss.value.totals);
  CHECK(hit.value.label == miss.value.label);
  CHECK(hit.value.cells == 32);
  const auto bytes = consist::serialize(hit.value);
  CHECK(same_on_all_ranks(std::string(bytes.begin(), bytes.end())));
  CHECK(hit.value.totals.at(0) == doctest::Approx(0.75 * world_size()));
}

TEST_CASE("a value that differs between ranks fails the run") {
  INFO("rank ", rank());
  auto t = owner("differing_value");
  const auto step = [] { return rank(); };
  bool raised = false;
  try {
    consist::mpi::run(MPI_COMM_WORLD, t.get(), step, consist::name{"rank_value"});
  } catch (const consist::mpi::rank_failure& e) {
    raised = true;
    CHECK(e.ranks().front() == 1);
    CHECK_MESSAGE(contains(e.problem(), "returned a value on rank 1 of " + std::to_string(world_size()) +
                                " that differs from rank 0's"), e.problem());
  }
  CHECK(raised);
  if (t) {
    const auto runs = t->store().find_runs(consist::run_query{});
    CHECK(runs.size() == 1);
    if (runs.size() == 1) {
      CHECK(runs[0].status == consist::run_status::failed);
      CHECK_MESSAGE(contains(runs[0].error, "differs from rank 0's"), runs[0].error);
    }
  }
}

TEST_CASE("outputs and upstream artifacts reach every rank") {
  INFO("rank ", rank());
  auto t = owner("outputs");
  const auto produce = [](consist::run_context& ctx) {
    if (rank() == 0) std::ofstream(ctx.output_path("field.csv")) << "x,t\n0,1.5\n";
    return 3;
  };
  const auto upstream = consist::mpi::run(MPI_COMM_WORLD, t.get(), produce, consist::name{"produce"},
                                          consist::outputs{"field.csv"});
  CHECK(upstream.outputs.count("field.csv") == 1);
  const std::string artifact_id = upstream.outputs.count("field.csv") ? upstream.outputs.at("field.csv").id : "";
  CHECK_FALSE(artifact_id.empty());
  CHECK(same_on_all_ranks(artifact_id));

  int calls = 0;
  const auto consume = [&](consist::run_context& ctx) {
    ++calls;
    return ctx.input_path("field").filename().string();
  };
  if (upstream.outputs.count("field.csv") == 1) {
    const consist::inputs in{{"field", upstream.outputs.at("field.csv")}};
    const auto first = consist::mpi::run(MPI_COMM_WORLD, t.get(), consume, consist::name{"consume"}, in);
    const auto second = consist::mpi::run(MPI_COMM_WORLD, t.get(), consume, consist::name{"consume"}, in);
    CHECK_FALSE(first.cache_hit);
    CHECK(second.cache_hit);
    CHECK(second.value == "field.csv");
    CHECK(calls == 1);
    // The upstream run hits too, and hands back the same artifact on every rank.
    const auto again = consist::mpi::run(MPI_COMM_WORLD, t.get(), produce, consist::name{"produce"},
                                         consist::outputs{"field.csv"});
    CHECK(again.cache_hit);
    CHECK(again.outputs.count("field.csv") == 1);
    if (again.outputs.count("field.csv") == 1) CHECK(again.outputs.at("field.csv").id == artifact_id);
  }
}

TEST_CASE("a missing tracker or a missing input is refused on every rank") {
  INFO("rank ", rank());
  const auto step = [] { return 0; };
  // Rank 0 without a tracker, before any context reached the other ranks.
  CHECK_THROWS_WITH_AS(consist::mpi::run(MPI_COMM_WORLD, nullptr, step, consist::name{"orphan"}),
                       has("no tracker on rank 0"), consist::usage_error);
  auto t = owner("refusals");
  CHECK_NOTHROW(consist::mpi::run(MPI_COMM_WORLD, t.get(), step, consist::name{"orphan"}));
  // And after one did.
  CHECK_THROWS_WITH_AS(consist::mpi::run(MPI_COMM_WORLD, nullptr, step, consist::name{"orphan"}),
                       has("no tracker on rank 0"), consist::usage_error);

  // A tracker on a rank other than 0.
  std::unique_ptr<consist::tracker> own;
  if (rank() != 0) {
    const auto dir = consist_test::scratch_dir("stray_tracker");
    own = std::make_unique<consist::tracker>(consist::tracker_config{.store = dir / "store", .run_dir = dir});
  }
  try {
    consist::mpi::run(MPI_COMM_WORLD, rank() == 0 ? t.get() : own.get(), step, consist::name{"stray"});
    CHECK(false);
  } catch (const consist::mpi::rank_failure& e) {
    CHECK(e.ranks().size() == static_cast<std::size_t>(world_size() - 1));
    CHECK_MESSAGE(contains(e.problem(), "cannot start on rank 1 of " + std::to_string(world_size()) +
                                ": rank 1 passed a tracker to consist::mpi::run"), e.problem());
  }

  // An input file that exists on every rank but 1.
  const auto dir = std::filesystem::path(CONSIST_TEST_BINARY_DIR) / "scratch" / "inputs";
  std::filesystem::create_directories(dir);
  const auto present = dir / "present.csv";
  if (rank() == 0) std::ofstream(present) << "a\n1\n";
  MPI_Barrier(MPI_COMM_WORLD);
  const auto path = rank() == 1 ? dir / "absent.csv" : present;
  try {
    consist::mpi::run(MPI_COMM_WORLD, t.get(), step, consist::name{"reads"}, consist::inputs{{"table", path}});
    CHECK(false);
  } catch (const consist::mpi::rank_failure& e) {
    CHECK(e.ranks() == std::vector<int>{1});
    CHECK_MESSAGE(contains(e.problem(), "cannot start on rank 1 of " + std::to_string(world_size())), e.problem());
    CHECK_MESSAGE(contains(e.problem(), "absent.csv"), e.problem());
    bool nested_identity_error = false;
    try {
      std::rethrow_if_nested(e);
    } catch (const consist::identity_error&) {
      nested_identity_error = true;
    }
    CHECK(nested_identity_error == (rank() == 1));
  }
  if (t) {
    consist::run_query reads;
    reads.model = "reads";
    CHECK(t->store().find_runs(reads).empty());
  }
}
