// The parts of consist/mpi.hpp that need no MPI: the reduction of spans over
// ranks, meta.mpi's rank ranges, the verdict on disagreeing identities,
// errors and messages crossing between ranks, and the protocol over one rank.
#include <consist/detail/mpi_meta.hpp>
#include <consist/detail/mpi_protocol.hpp>
#include <consist/detail/mpi_span_reduce.hpp>
#include <consist/detail/mpi_verdicts.hpp>
#include <consist/detail/mpi_wire.hpp>

#include <doctest/doctest.h>
#include <scratch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

using namespace consist;
using namespace consist::detail;

namespace {

doctest::Contains has(const std::string& s) { return doctest::Contains(doctest::String(s.c_str())); }
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

span_stat timed(const std::string& name, std::uint64_t count, std::uint64_t total, std::uint64_t min, std::uint64_t max,
                std::uint32_t threads = 1) {
  return span_stat{name, "heat.cpp", name == "halo" ? 10u : 20u, true, count, total, min, max, threads};
}

template <class Stat>
const Stat& named(const std::vector<Stat>& stats, const std::string& name) {
  const auto it = std::find_if(stats.begin(), stats.end(), [&](const Stat& s) { return s.name == name; });
  REQUIRE_MESSAGE(it != stats.end(), "no site ", name);
  return *it;
}
const span_rank_stat& per_site(const rank_span_reduction& r, const std::string& name) {
  return named(r.per_site, name);
}
const span_stat& merged(const rank_span_reduction& r, const std::string& name) { return named(r.merged, name); }

identity_components identity(const std::string& config_hash, const std::string& code = "v1") {
  identity_components id;
  id.config_hash = config_hash;
  id.input_hash = "in";
  id.code_hash = "code-" + code;
  id.code_mode = "explicit";
  id.code_version = code;
  id.adapter_name = "reflect";
  id.model = "heat";
  id.signature = "sig-" + config_hash + "-" + code;
  return id;
}

}  // namespace

TEST_CASE("spans reduce per site to min, max and sum over ranks") {
  // Rank 0 and 2 run the halo exchange; rank 1 never does. Everyone steps.
  const std::vector<std::vector<span_stat>> by_rank{
      {timed("halo", 4, 400, 90, 110), timed("step", 10, 1000, 95, 105, 2)},
      {timed("step", 10, 3000, 250, 350)},
      {timed("step", 12, 1200, 80, 120), timed("halo", 6, 900, 100, 200)},
  };
  const auto r = reduce_rank_spans(by_rank);
  REQUIRE(r.per_site.size() == 2);
  REQUIRE(r.merged.size() == 2);

  const auto& step = per_site(r, "step");
  CHECK(step.ranks == 3);
  CHECK(step.entered == 3);
  CHECK(step.count_min == 10);
  CHECK(step.count_max == 12);
  CHECK(step.count_sum == 32);
  CHECK(step.total_ns_min == 1000);
  CHECK(step.total_ns_max == 3000);
  CHECK(step.total_ns_sum == 5200);
  CHECK(step.slowest_rank == 1);
  CHECK(step.file == "heat.cpp");
  CHECK(step.line == 20);

  const auto& halo = per_site(r, "halo");
  CHECK(halo.entered == 2);
  CHECK(halo.count_min == 0);  // rank 1 never entered
  CHECK(halo.total_ns_min == 0);
  CHECK(halo.count_max == 6);
  CHECK(halo.count_sum == 10);
  CHECK(halo.total_ns_max == 900);
  CHECK(halo.total_ns_sum == 1300);
  CHECK(halo.slowest_rank == 2);

  // Merged: one site over every rank's threads.
  const auto& m = merged(r, "step");
  CHECK(m.count == 32);
  CHECK(m.total_ns == 5200);
  CHECK(m.min_ns == 80);
  CHECK(m.max_ns == 350);
  CHECK(m.threads == 4);
  CHECK(merged(r, "halo").min_ns == 90);

  // Largest single-rank total first, in both lists.
  CHECK(r.per_site[0].name == "step");
  CHECK(r.merged[0].name == "step");
}

TEST_CASE("a count site's slowest rank is the one that counted most; no spans reduce to nothing") {
  const std::vector<std::vector<span_stat>> by_rank{
      {span_stat{"retry", "a.cpp", 5, false, 3, 0, 0, 0, 1}},
      {span_stat{"retry", "a.cpp", 5, false, 9, 0, 0, 0, 1}},
      {},
      {span_stat{"retry", "a.cpp", 5, false, 2, 0, 0, 0, 1}},
  };
  const auto r = reduce_rank_spans(by_rank);
  REQUIRE(r.per_site.size() == 1);
  CHECK_FALSE(r.per_site[0].timed);
  CHECK(r.per_site[0].slowest_rank == 1);
  CHECK(r.per_site[0].count_min == 0);
  CHECK(r.per_site[0].count_sum == 14);
  CHECK(r.per_site[0].ranks == 4);
  CHECK(r.merged[0].count == 14);
  CHECK(r.merged[0].min_ns == 0);

  const auto none = reduce_rank_spans({{}, {}});
  CHECK(none.per_site.empty());
  CHECK(none.merged.empty());
}

TEST_CASE("a rank's sites with one name, file and line (a template's instantiations) are one site of that rank") {
  // Rank 0 ran kernel<float> and kernel<double>, one site each in its record;
  // rank 1 ran kernel<double> only; rank 2 never entered.
  const span_stat k_float{"kernel", "k.hpp", 7, true, 3, 300, 90, 110, 1};
  const span_stat k_double{"kernel", "k.hpp", 7, true, 5, 1000, 150, 250, 1};
  const span_stat k_double_1{"kernel", "k.hpp", 7, true, 6, 1200, 180, 240, 1};
  const auto r = reduce_rank_spans({{k_float, k_double}, {k_double_1}, {}});
  REQUIRE(r.per_site.size() == 1);
  const auto& s = r.per_site[0];
  CHECK(s.ranks == 3);
  CHECK(s.entered == 2);
  CHECK(s.count_min == 0);  // rank 2
  CHECK(s.count_max == 8);  // rank 0: 3 + 5
  CHECK(s.count_sum == 14);
  CHECK(s.total_ns_min == 0);
  CHECK(s.total_ns_max == 1300);
  CHECK(s.total_ns_sum == 2500);
  CHECK(s.slowest_rank == 0);
  REQUIRE(r.merged.size() == 1);
  CHECK(r.merged[0].count == 14);
  CHECK(r.merged[0].total_ns == 2500);
  CHECK(r.merged[0].min_ns == 90);
  CHECK(r.merged[0].max_ns == 250);
}

TEST_CASE("rank sets are written as ranges") {
  CHECK(rank_ranges({}) == "");
  CHECK(rank_ranges({0}) == "0");
  CHECK(rank_ranges({0, 1, 2, 3}) == "0-3");
  CHECK(rank_ranges({0, 1, 2, 3, 5, 7, 8, 9}) == "0-3,5,7-9");
  CHECK(rank_ranges({1, 3}) == "1,3");
  CHECK(rank_ranges(all_ranks(6)) == "0-5");
  const auto meta = mpi_meta(4, {});
  CHECK(meta.at("world_size").as_int64() == 4);
  CHECK(meta.at("executed_ranks").as_string() == "");
  CHECK(rank_list({1}) == "1");
  CHECK(rank_list({1, 2, 5}) == "1, 2 and 5");
  CHECK(rank_list({1, 2, 3, 4}, 2) == "1, 2 and 2 more");
}

TEST_CASE("disagreeing identities name the first differing rank and the config fields") {
  const string_pairs fields{{"alpha", "01"}, {"cells", "02"}};
  const string_pairs other_alpha{{"alpha", "ff"}, {"cells", "02"}};
  const std::vector<rank_identity> by_rank{
      describe_rank_identity(identity("a"), fields),
      describe_rank_identity(identity("a"), fields),
      describe_rank_identity(identity("b"), other_alpha),
      describe_rank_identity(identity("c", "v2"), fields),
  };
  const mpi_verdict v = judge_rank_identities("heat", by_rank);
  CHECK(v.kind == verdict_kind::mismatch);
  CHECK(v.ranks == std::vector<std::int32_t>{2, 3});
  CHECK(v.components == std::vector<std::string>{"config"});
  CHECK_MESSAGE(contains(v.problem, "rank 2 of 4 differs from rank 0 in config (fields: alpha)"), v.problem);
  CHECK_MESSAGE(contains(v.problem, "ranks 2 and 3 differ from rank 0"), v.problem);
  CHECK_MESSAGE(contains(v.cause, "rank 2"), v.cause);
  CHECK_FALSE(v.fix.empty());

  const std::vector<rank_identity> code_only{describe_rank_identity(identity("a"), fields),
                                             describe_rank_identity(identity("a", "v9"), fields)};
  const mpi_verdict c = judge_rank_identities("heat", code_only);
  CHECK(c.components == std::vector<std::string>{"code"});
  CHECK_MESSAGE(contains(c.problem, "code (rank 1: explicit v9, rank 0: explicit v1)"), c.problem);
}

TEST_CASE("a rank that could not resolve its options is a failure naming it") {
  const string_pairs fields{{"alpha", "01"}};
  rank_identity broken;
  broken.problem = {wire_error_kind::identity, "input 'mesh' is missing: /data/mesh.h5", "the file is not there",
                    "copy it"};
  const std::vector<rank_identity> by_rank{describe_rank_identity(identity("a"), fields), broken,
                                           describe_rank_identity(identity("b"), fields), broken};
  const mpi_verdict v = judge_rank_identities("heat", by_rank);
  CHECK(v.kind == verdict_kind::failure);
  CHECK(v.ranks == std::vector<std::int32_t>{1, 3});
  CHECK_MESSAGE(contains(v.problem, "run 'heat' cannot start on rank 1 of 4: input 'mesh' is missing"), v.problem);
  CHECK_MESSAGE(contains(v.problem, "ranks 1 and 3 could not start"), v.problem);
  CHECK(v.cause == "the file is not there");
  CHECK_MESSAGE(contains(v.fix, "copy it"), v.fix);
}

TEST_CASE("errors cross ranks as the same consist::error subclass with their three parts") {
  const auto round_trip = [](std::exception_ptr e) {
    const wire_error w = deserialize<wire_error>(serialize(capture_error(e)));
    try {
      raise_error(w);
    } catch (...) {
      return std::current_exception();
    }
    return std::exception_ptr{};
  };
  const auto check_kind = [&]<class E>(E original) {
    const auto back = round_trip(std::make_exception_ptr(original));
    try {
      std::rethrow_exception(back);
    } catch (const E& e) {
      CHECK(e.problem() == original.problem());
      CHECK(e.likely_cause() == original.likely_cause());
      CHECK(e.suggested_fix() == original.suggested_fix());
      return;
    } catch (...) {
    }
    FAIL("the error changed class");
  };
  check_kind(usage_error("p1", "c1", "f1"));
  check_kind(store_error("p2", "c2", "f2"));
  check_kind(integrity_error("p3", "c3", "f3"));
  check_kind(not_found_error("p4", "c4", "f4"));
  check_kind(identity_error("p5", "c5", "f5"));
  check_kind(output_error("p6", "c6", "f6"));

  const auto foreign = capture_error(std::make_exception_ptr(std::runtime_error("solver diverged")));
  CHECK(foreign.kind == wire_error_kind::other);
  CHECK(foreign.problem == "solver diverged");
  CHECK_THROWS_WITH_AS(raise_error(foreign), has("Problem: solver diverged"), error);
  CHECK(capture_error(std::make_exception_ptr(42)).kind == wire_error_kind::other);
}

TEST_CASE("messages between ranks decode to what was sent, and damaged bytes are refused") {
  mpi_decision d{};
  d.kind = decision_kind::hit;
  d.run_id = "heat_0a1b2c3d";
  d.cache_source = "heat_ffffffff";
  d.value = {1, 2, 3, 0, 255};
  d.outputs = {{"field.csv", "{\"id\":\"x\"}"}};
  const auto bytes = serialize(d);
  const auto back = deserialize<mpi_decision>(bytes);
  CHECK(back.kind == decision_kind::hit);
  CHECK(back.run_id == d.run_id);
  CHECK(back.cache_source == d.cache_source);
  CHECK(back.value == d.value);
  CHECK(back.outputs == d.outputs);
  auto truncated = bytes;
  truncated.pop_back();
  CHECK_THROWS_AS(deserialize<mpi_decision>(truncated), integrity_error);
  // Bytes of another message type are refused, not misread.
  CHECK_THROWS_AS(deserialize<mpi_outcome>(bytes), integrity_error);

  const span_stat s{"loop", "a.cpp", 7, true, 3, 300, 90, 110, 2};
  CHECK(from_wire(to_wire(s)) == s);
  const mpi_context c{true, hashing_mode::fast, std::string("v3"), "/scratch/run", false};
  const auto cb = deserialize<mpi_context>(serialize(c));
  CHECK(cb.has_tracker);
  CHECK(cb.hashing == hashing_mode::fast);
  CHECK(cb.code_version == std::optional<std::string>("v3"));
  CHECK(cb.run_dir == "/scratch/run");
  CHECK_FALSE(cb.tracing);
}

namespace {

/// The protocol over a communicator of one rank.
struct one_rank_transport {
  int rank() const { return 0; }
  int size() const { return 1; }
  void broadcast(std::vector<std::uint8_t>&) {}
  std::vector<std::vector<std::uint8_t>> gather(const std::vector<std::uint8_t>& bytes) { return {bytes}; }
  std::size_t gather_budget() const { return std::size_t{1} << 20; }
  void all_and(std::span<std::uint64_t>) {}
};

}  // namespace

TEST_CASE("a rank that cannot collect spans (CONSIST_TRACING is no switch) fails the run, which is not left running") {
  // The switch is read once per process, at its first collection: this test
  // needs it unread (no other case of this program collects spans).
  ::setenv("CONSIST_TRACING", "enabled", 1);
  bool unread = false;
  try {
    (void)tracing_enabled();
  } catch (const usage_error&) {
    unread = true;
  }
  if (!unread) {
    ::unsetenv("CONSIST_TRACING");
    MESSAGE("the tracing switch was already read in this process: skipped");
    return;
  }
  const auto dir = consist_test::scratch_dir("mpi-tracing-switch");
  const tracker_config cfg{.store = dir / "store", .run_dir = dir, .code_version = "v1"};
  {
    tracker t(cfg);
    one_rank_transport tx;
    bool called = false;
    CHECK_THROWS_AS(run_on_ranks<reflect_adapter>(tx, &t, [&] { called = true; }, name{"step"}), mpi_verdict_raised);
    CHECK_FALSE(called);
  }
  ::unsetenv("CONSIST_TRACING");
  set_tracing_enabled(true);
  tracker t(cfg);
  const auto runs = t.find_runs({});
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].status == run_status::failed);
  CHECK_MESSAGE(contains(runs[0].error, "rank 0: CONSIST_TRACING is set to 'enabled'"), runs[0].error);
}
