// The `consist` command-line tool's inspection commands, driven as a
// separate process on the known store of prog_make_cli_store: runs, show,
// why, diff, lineage, the exports (the provenance document validated
// against the JSON Schema derived from Consist's LinkML file), errors on a
// missing or corrupt store (exit 1) and usage mistakes (exit 2).
#include <consist.hpp>
#include <consist/store/listing.hpp>

#include <cli_driver.hpp>
#include <doctest/doctest.h>
#include <json_schema.hpp>
#include <scratch.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace consist_test;

namespace {

json_schema provenance_schema() {
  return json_schema(parse(read_file(fs::path(CONSIST_TEST_DATA_DIR) / "provenance.schema.json")));
}

}  // namespace

TEST_CASE("runs lists every run of the known store, newest first, as a plain table when piped") {
  const auto r = cli_on(known().store, {"runs"});
  REQUIRE(r.code == 0);
  for (const auto* name : {"demand_first", "demand_hit", "demand_second", "assign", "assign_old", "failed", "header",
                           "child"})
    CHECK_MESSAGE(contains(r.out, id(name)), name);
  CHECK(r.out.find(id("assign_old")) < r.out.find(id("demand_first")));  // newest first
  CHECK(contains(line_with(r.out, id("demand_hit")), "hit"));
  CHECK(contains(line_with(r.out, id("demand_first")), "miss"));
  CHECK(contains(line_with(r.out, id("failed")), "failed"));
  CHECK(contains(r.out, "the store holds 8 runs"));
  CHECK_FALSE(contains(r.out, "\x1b["));
}

TEST_CASE("runs filters by model, status, tag and year, pages with --limit, and speaks JSON") {
  const auto& store = known().store;
  auto json_ids = [&](std::vector<std::string> args) {
    args.push_back("--json");
    const auto r = cli_on(store, args);
    REQUIRE(r.code == 0);
    return ids_of(parse(r.out));
  };
  using v = std::vector<std::string>;
  CHECK(json_ids({"runs", "--model", "demand"}) == v{id("demand_second"), id("demand_hit"), id("demand_first")});
  CHECK(json_ids({"runs", "--status", "failed"}) == v{id("failed")});
  CHECK(json_ids({"runs", "--tag", "baseline"}) == v{id("demand_hit"), id("demand_first")});
  CHECK(json_ids({"runs", "--year", "2030"}).size() == 6);  // the hand-made header and child have no year
  CHECK(json_ids({"runs", "--year", "2031"}).empty());
  CHECK(json_ids({"runs", "--limit", "2"}) == v{id("child"), id("header")});
  CHECK(json_ids({"runs", "--model", "assign", "--limit", "1"}) == v{id("assign_old")});

  const auto r = cli_on(store, {"runs", "--model", "demand", "--json"});
  const auto runs = parse(r.out).as_array();
  REQUIRE(runs.size() == 3);
  CHECK(runs[1].at("cache_hit").as_bool());
  CHECK(runs[1].at("cache_source").as_string() == id("demand_first"));
  CHECK(runs[2].at("status").as_string() == "completed");
  CHECK(runs[2].at("year").as_int64() == 2030);
  CHECK(runs[2].at("duration_seconds").as_double() > 0.0);
}

TEST_CASE("list_runs gives find_runs' answer while reading only the page") {
  const auto s = open_read_only(known().store);
  std::vector<consist::run_query> queries(8);
  queries[1].model = "demand";
  queries[2].status = consist::run_status::completed;
  queries[2].limit = 3;
  queries[3].tag = "baseline";
  queries[4].parent = "calibration_header";
  queries[5].year = 2030;
  queries[5].limit = 4;
  queries[6].model = "assign";
  queries[6].status = consist::run_status::completed;
  queries[6].limit = 1;
  queries[7].limit = 1;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    CAPTURE(i);
    const auto listed = consist::list_runs(*s, queries[i]);
    const auto found = s->find_runs(queries[i]);
    CHECK(listed == found);
    CHECK_FALSE(listed.empty());
  }
}

TEST_CASE("show prints the record, its identity, inputs and outputs, and its ten costliest spans") {
  const auto r = cli_on(known().store, {"show", id("demand_first")});
  REQUIRE(r.code == 0);
  const auto s = open_read_only(known().store);
  const auto rec = s->get_run(id("demand_first"));
  REQUIRE(rec.has_value());
  CHECK(contains(r.out, rec->signature));
  CHECK(contains(r.out, rec->identity.config_hash));
  CHECK(contains(r.out, "explicit cli-test-1"));
  CHECK(contains(r.out, "baseline"));
  CHECK(contains(line_with(r.out, "trips.csv"), id("trips_first")));
  CHECK(contains(r.out, "\"label\":\"base\""));
  const auto spans = rec->spans();
  REQUIRE(spans.size() == 13);  // twelve timed sites and one counter
  for (std::size_t i = 0; i < spans.size(); ++i) {
    CAPTURE(spans[i].name);
    CHECK(contains(r.out, spans[i].name + " ") == (i < 10));
  }
  CHECK(contains(r.out, "top 10 of 13"));

  const auto assign = cli_on(known().store, {"show", id("assign")});
  REQUIRE(assign.code == 0);
  const auto input = line_with(assign.out, id("trips_second"));
  CHECK(contains(input, "trips"));
  CHECK(contains(input, id("demand_second")));  // the run that produced the input
  CHECK(contains(line_with(assign.out, "flows.csv"), id("flows")));

  const auto json = cli_on(known().store, {"show", id("failed"), "--json"});
  REQUIRE(json.code == 0);
  const auto failed = consist::record_from_json(parse(json.out), "show --json");
  CHECK(failed.status == consist::run_status::failed);
  CHECK(failed.error == "solver diverged");
}

TEST_CASE("why shows the old and new value of changed JSON fields: members, elements, quoted names") {
  const auto dir = scratch_dir("cli-why-json");
  std::vector<std::string> ids;
  {
    consist::tracker t(consist::tracker_config{.store = dir, .run_dir = dir, .code_version = "cli-test-1"});
    for (const char* deck : {R"({"layers":[{"alpha":1},{"alpha":2}],"a.b":1,"q\"x":[5],"plain":{"x":1}})",
                             R"({"layers":[{"alpha":1},{"alpha":3}],"a.b":2,"q\"x":[6],"plain":{"x":2}})"})
      ids.push_back(t.run<consist::json_adapter>([] { return 1; }, consist::name{"deck"},
                                                 consist::config{boost::json::parse(deck)})
                        .run.id);
  }
  const auto why = cli_on(dir, {"why", ids[1]});
  REQUIRE_MESSAGE(why.code == 0, why.err);
  CHECK(contains(line_with(why.out, "field layers[1].alpha"), "2 -> 3"));
  CHECK(contains(line_with(why.out, "field [\"a.b\"]"), "1 -> 2"));
  CHECK(contains(line_with(why.out, "field [\"q\\\"x\"][0]"), "5 -> 6"));
  CHECK(contains(line_with(why.out, "field plain.x"), "1 -> 2"));
  CHECK_FALSE(contains(why.out, "(absent)"));
  CHECK_FALSE(contains(why.out, "layers[0]"));
}

TEST_CASE("why names the changed config field, the changed input and its upstream run, and a hit's source") {
  const auto& store = known().store;
  const auto config = cli_on(store, {"why", id("demand_second")});
  REQUIRE(config.code == 0);
  CHECK(contains(config.out, id("demand_first")));  // the nearest earlier run
  CHECK(contains(line_with(config.out, "field alpha"), "0.5 -> 0.7"));
  CHECK_FALSE(contains(config.out, "field zones"));

  const auto inputs = cli_on(store, {"why", id("assign_old")});
  REQUIRE(inputs.code == 0);
  CHECK(contains(inputs.out, "nearest earlier run: " + id("assign")));
  CHECK(contains(line_with(inputs.out, "input trips"), "from run " + id("demand_first")));
  CHECK(contains(line_with(inputs.out, id("trips_first")), id("demand_first")));  // upstream table

  const auto hit = cli_on(store, {"why", id("demand_hit")});
  REQUIRE(hit.code == 0);
  CHECK(contains(hit.out, "cache hit"));
  CHECK(contains(hit.out, "reused run " + id("demand_first")));

  CHECK(contains(cli_on(store, {"why", id("demand_first")}).out, "no earlier completed run of model 'demand'"));
  CHECK(contains(cli_on(store, {"why", id("failed")}).out, "solver diverged"));
}

TEST_CASE("diff puts identity components and config fields side by side and marks the differences") {
  const auto r = cli_on(known().store, {"diff", id("demand_first"), id("demand_second")});
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "signatures differ"));
  CHECK(line_with(r.out, " config ").starts_with("*"));
  CHECK(line_with(r.out, " code ").starts_with(" "));
  const auto alpha = line_with(r.out, " alpha ");
  CHECK(alpha.starts_with("*"));
  CHECK(alpha.find("0.5") < alpha.find("0.7"));
  CHECK(line_with(r.out, " zones ").starts_with(" "));
  CHECK(contains(r.out, "1 of 3 differ"));

  const auto same = cli_on(known().store, {"diff", id("demand_first"), id("demand_hit")});
  REQUIRE(same.code == 0);
  CHECK(contains(same.out, "same signature"));
  CHECK(contains(same.out, "0 of 3 differ"));
}

TEST_CASE("lineage prints the producer tree of an artifact, by id or by key, to a chosen depth") {
  const auto& store = known().store;
  const auto r = cli_on(store, {"lineage", id("flows")});
  REQUIRE(r.code == 0);
  CHECK(r.out.find(id("assign")) < r.out.find(id("trips_second")));
  CHECK(r.out.find(id("trips_second")) < r.out.find(id("demand_second")));

  const auto by_key = cli_on(store, {"lineage", "flows.csv"});  // the newest flows: assign_old's
  REQUIRE(by_key.code == 0);
  CHECK(contains(by_key.out, "one of 2 artifacts with key 'flows.csv'"));
  CHECK(contains(by_key.out, id("assign_old")));
  CHECK(contains(by_key.out, id("demand_first")));

  const auto shallow = cli_on(store, {"lineage", id("flows"), "--depth", "1"});
  REQUIRE(shallow.code == 0);
  CHECK(contains(shallow.out, id("trips_second")));
  CHECK(contains(line_with(shallow.out, "<- run " + id("demand_second")), "--depth reached"));

  const auto missing = cli_on(store, {"lineage", "no-such-key"});
  CHECK(missing.code == 1);
  CHECK(contains(missing.err, "no-such-key"));
  CHECK(contains(missing.err, known().store.string()));
}

TEST_CASE("lineage --depth shows the producers of a run met deep in one branch where it is nearer the root") {
  const auto dir = scratch_dir("cli-lineage-depth");
  {
    // z -> a -> b -> c, and c also reads a itself, after b.
    const auto s = consist::run_store::open(consist::store_options{.path = dir});
    const auto run = [](const std::string& id, std::int64_t ns, std::vector<std::string> inputs) {
      consist::run_record r;
      r.id = id;
      r.model_name = "lin";
      r.status = consist::run_status::completed;
      r.created_at = r.started_at = r.updated_at = consist::timestamp(std::chrono::nanoseconds(ns));
      for (const auto& in : inputs) r.links.push_back({id, "art-" + in, in, consist::link_direction::input});
      return r;
    };
    const auto made_by = [](const std::string& key, const std::string& producer) {
      consist::artifact a;
      a.id = "art-" + key;
      a.key = key;
      a.location = "outputs/" + key;
      a.producing_run_id = producer;
      return std::vector<consist::artifact>{a};
    };
    const std::vector<consist::run_commit> commits = {
        {run("lin_z", 1000, {}), std::nullopt, made_by("z", "lin_z")},
        {run("lin_a", 2000, {"z"}), std::nullopt, made_by("a", "lin_a")},
        {run("lin_b", 3000, {"a"}), std::nullopt, made_by("b", "lin_b")},
        {run("lin_c", 4000, {"b", "a"}), std::nullopt, made_by("c", "lin_c")}};
    s->commit_runs(commits);
  }
  const auto r = cli_on(dir, {"lineage", "art-c", "--depth", "3"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  // Under b, a's producer is three runs deep and its input z stops there; read by c itself, z's producer shows.
  CHECK(contains(r.out, "<- run lin_z (--depth reached)"));
  CHECK(contains(r.out, "<- run lin_z (lin, completed"));
}

TEST_CASE("lineage KEY after a pass that reverts a change shows the artifact the newest run (a hit) reused") {
  const auto dir = scratch_dir("cli-lineage-revert");
  std::vector<consist::run_result<void>> passes;
  {
    consist::tracker t(consist::tracker_config{.store = dir, .run_dir = dir, .code_version = "cli-test-1"});
    for (const char* growth : {R"({"growth":1})", R"({"growth":2})", R"({"growth":1})"})
      passes.push_back(t.run<consist::json_adapter>(
          [](consist::run_context& ctx) { std::ofstream(ctx.output_path("trips")) << "trips"; },
          consist::name{"demand"}, consist::config{boost::json::parse(growth)}, consist::outputs{"trips"}));
  }
  REQUIRE(passes[2].cache_hit);
  const auto r = cli_on(dir, {"lineage", "trips"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.out, passes[0].outputs.at("trips").id));
  CHECK(contains(r.out, "<- run " + passes[0].run.id));
  CHECK_FALSE(contains(r.out, passes[1].outputs.at("trips").id));
  CHECK_FALSE(contains(r.out, passes[1].run.id));
}

TEST_CASE("export --format provenance satisfies the schema derived from Consist's LinkML file") {
  const auto out = known().dir / "provenance.json";
  const auto r = cli_on(known().store, {"export", "--format", "provenance", "--out", out.string()});
  REQUIRE(r.code == 0);
  const auto doc = parse(read_file(out));
  const auto schema = provenance_schema();
  const auto errors = schema.errors(doc);
  for (const auto& e : errors) MESSAGE(e);
  CHECK(errors.empty());

  CHECK(doc.at("provenance_context").at("namespace").as_string() == id("namespace"));
  const auto& runs = doc.at("runs").as_array();
  CHECK(runs.size() == 8);
  std::map<std::string, boost::json::object> run_by_id;
  for (const auto& run : runs) run_by_id[std::string(run.at("run_id").as_string())] = run.as_object();
  CHECK(run_by_id.at(id("child")).at("parent_run").at("run_id").as_string() == "calibration_header");
  CHECK(run_by_id.at(id("demand_first")).at("model_name").as_string() == "demand");
  CHECK(run_by_id.at(id("demand_first")).at("signature").as_string().size() == 32);
  CHECK(run_by_id.at(id("demand_first")).at("identity_evidence").as_object().contains("config_hash"));
  const auto& artifacts = doc.at("artifacts").as_array();
  CHECK(artifacts.size() == 4);  // two trips, two flows
  std::map<std::string, std::string> producer;
  for (const auto& a : artifacts) {
    CHECK(a.as_object().contains("fingerprint"));
    CHECK(a.at("fingerprint_strategy").as_string() == "content");
    producer[std::string(a.at("artifact_id").as_string())] = a.at("producing_run").at("run_id").as_string();
  }
  CHECK(producer.at(id("trips_first")) == id("demand_first"));
  std::size_t inputs = 0, outputs = 0;
  for (const auto& assoc : doc.at("associations").as_array()) {
    const std::string dir(assoc.at("direction").as_string());
    const std::string run(assoc.at("run").at("run_id").as_string());
    const std::string art(assoc.at("artifact").at("artifact_id").as_string());
    if (dir == "output") {
      ++outputs;
      CHECK(producer.at(art) == run);  // an output association is the production the artifact names
    } else {
      ++inputs;
    }
  }
  CHECK(inputs == 2);
  CHECK(outputs == 4);

  // The validator can fail: each required slot, the UUID pattern and the direction enum.
  using mutation = void (*)(boost::json::object&);
  const mutation mutations[] = {
      [](boost::json::object& d) { d.erase("provenance_context"); },
      [](boost::json::object& d) { d["runs"].as_array()[0].as_object().erase("run_id"); },
      [](boost::json::object& d) { d["artifacts"].as_array()[0].as_object()["artifact_id"] = "not-a-uuid"; },
      [](boost::json::object& d) {  // a version 8 UUID
        d["artifacts"].as_array()[0].as_object()["artifact_id"] = "0de8f5bc-44bf-8aac-a756-404edff87d9e";
      },
      [](boost::json::object& d) { d["associations"].as_array()[0].as_object()["direction"] = "sideways"; },
      [](boost::json::object& d) { d["associations"].as_array()[0].as_object().erase("artifact"); },
      [](boost::json::object& d) { d["runs"].as_array()[0].as_object()["status"] = "completed"; },
  };
  for (std::size_t i = 0; i < std::size(mutations); ++i) {
    CAPTURE(i);
    auto copy = doc;
    mutations[i](copy.as_object());
    CHECK_FALSE(schema.errors(copy).empty());
  }

  // A second, independent validator when the machine has one.
  if (run_shell("/usr/bin/python3 -c 'import jsonschema'").code == 0) {
    const std::string check =
        "import json,sys,jsonschema; "
        "jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))";
    const auto py = run_shell("/usr/bin/python3 -c " + quote(check) + " " +
                              quote((fs::path(CONSIST_TEST_DATA_DIR) / "provenance.schema.json").string()) + " " +
                              quote(out.string()));
    CHECK_MESSAGE(py.code == 0, py.err);
  } else {
    MESSAGE("python3-jsonschema is not installed: the export was checked by the built-in validator only");
  }
}

TEST_CASE("export --out naming a file of the store itself is refused and the store stays intact") {
  const auto dir = scratch_dir("cli-export-onto-store");
  fs::copy(known().store, dir / "store", fs::copy_options::recursive);
  for (const auto& target : {dir / "store" / "data.mdb", dir / "store" / "." / "lock.mdb"}) {
    CAPTURE(target);
    const auto r = cli_on(dir / "store", {"export", "--format", "jsonl", "--out", target.string()});
    CHECK(r.code == 2);
    CHECK(contains(r.err, "which the export would replace"));
    CHECK(cli_on(dir / "store", {"runs"}).code == 0);
  }
  CHECK(cli_on(dir / "store", {"export", "--format", "jsonl", "--out", (dir / "store" / "runs.jsonl").string()})
            .code == 0);
}

TEST_CASE("export --format jsonl writes one run record per line that reads back") {
  const auto r = cli_on(known().store, {"export", "--format", "jsonl"});
  REQUIRE(r.code == 0);
  std::istringstream in(r.out);
  std::vector<std::string> ids;
  for (std::string line; std::getline(in, line);) ids.push_back(consist::record_from_text(line, "jsonl").id);
  CHECK(ids.size() == 8);
  CHECK(ids.front() == id("demand_first"));  // oldest first
  CHECK(std::find(ids.begin(), ids.end(), id("failed")) != ids.end());
}

TEST_CASE("export of a plain input file's artifact is schema-valid or refused with its reason") {
  const auto dir = scratch_dir("cli-input-file");
  const auto ids = make_store({"input-file", dir.string(), dir.string()});
  const auto r = cli_on(dir, {"export", "--format", "provenance"});
  if (r.code == 0) {
    const auto schema = provenance_schema();
    CHECK(schema.errors(parse(r.out)).empty());
  } else {
    // Derived artifact ids are UUID version 8, which the schema's pattern refuses: never rewritten silently.
    CHECK(r.code == 1);
    CHECK(contains(r.err, ids.at("network")));
    CHECK(contains(r.err, "versions 1 to 5"));
    CHECK(r.out.empty());
  }
  CHECK(cli_on(dir, {"export", "--format", "jsonl"}).code == 0);
}

TEST_CASE("a missing or corrupt store is a clear error naming the path, exit 1, no crash") {
  const auto dir = scratch_dir("cli-bad-store");
  const auto missing = cli_on(dir / "absent", {"runs"});
  CHECK(missing.code == 1);
  CHECK(contains(missing.err, (dir / "absent").string()));
  CHECK(contains(missing.err, "likely cause"));
  CHECK(contains(missing.err, "suggested fix"));

  const auto from_env = cli({"show", "x"}, "CONSIST_STORE=" + quote((dir / "env-store").string()));
  CHECK(from_env.code == 1);
  CHECK(contains(from_env.err, "CONSIST_STORE"));
  const auto by_default =
      run_shell("cd " + quote(dir.string()) + " && env -u CONSIST_STORE " + quote(tool()) + " runs");
  CHECK(by_default.code == 1);
  CHECK(contains(by_default.err, "./.consist"));

  fs::create_directories(dir / "corrupt");
  std::ofstream(dir / "corrupt" / "data.mdb") << std::string(8192, 'x');
  for (const auto* cmd : {"runs", "doctor", "export"}) {
    std::vector<std::string> args{cmd};
    if (std::string(cmd) == "export") args = {"export", "--format", "jsonl"};
    const auto r = cli_on(dir / "corrupt", args);
    CAPTURE(cmd);
    CHECK(r.code == 1);
    CHECK(contains(r.err, (dir / "corrupt").string()));
  }
  fs::create_directories(dir / "empty-dir");
  CHECK(contains(cli_on(dir / "empty-dir", {"runs"}).err, "no data.mdb"));
  std::ofstream(dir / "a-file") << "not a store";
  CHECK(cli_on(dir / "a-file", {"runs"}).code == 1);

  const auto unknown = cli_on(known().store, {"show", "demand_"});
  CHECK(unknown.code == 1);
  CHECK(contains(unknown.err, known().store.string()));
  CHECK(contains(unknown.err, "did you mean"));
  CHECK(cli_on(known().store, {"diff", id("demand_first"), "nope"}).code == 1);
  CHECK(cli_on(known().store, {"why", "nope"}).code == 1);
}

TEST_CASE("output that cannot be written (stdout on a full disk) is an error, exit 1, not a success") {
  if (!fs::exists("/dev/full")) return;
  for (const std::vector<std::string>& args : {std::vector<std::string>{"runs", "--json"},
                                              std::vector<std::string>{"export", "--format", "jsonl"},
                                              std::vector<std::string>{"show", id("demand_first")}}) {
    std::string line = quote(tool()) + " --store " + quote(known().store.string());
    for (const auto& a : args) line += " " + quote(a);
    const auto r = run_shell("(" + line + " >/dev/full)");
    CAPTURE(line);
    CHECK(r.code == 1);
    CHECK(contains(r.err, "cannot write the output of `consist " + args[0] + "`"));
  }
}

TEST_CASE("usage mistakes exit 2 and print the usage") {
  const auto& s = known().store.string();
  const std::vector<std::vector<std::string>> mistakes{
      {},
      {"--store", s, "frobnicate"},
      {"--store", s, "runs", "--colour"},
      {"--store", s, "runs", "--limit", "-1"},
      {"--store", s, "runs", "--status", "sleeping"},
      {"--store", s, "runs", "extra"},
      {"--store", s, "show"},
      {"--store", s, "diff", "one"},
      {"--store", s, "export"},
      {"--store", s, "export", "--format", "csv"},
      {"--store", s, "lineage", "x", "--depth", "0"},
      {"--store", s, "compact"},
      {"--store", s, "merge"},
      {"--store"},
  };
  for (const auto& args : mistakes) {
    const auto r = cli(args);
    std::string shown;
    for (const auto& a : args) shown += a + " ";
    CAPTURE(shown);
    CHECK(r.code == 2);
    CHECK(contains(r.err, "usage"));
  }
  const auto help = cli({"--help"});
  CHECK(help.code == 0);
  for (const auto* cmd : {"runs", "show", "why", "diff", "lineage", "export", "doctor", "merge", "compact", "rebuild"})
    CHECK(contains(help.out, std::string("  ") + cmd + " "));
}

TEST_CASE("colour only on a terminal, and never with NO_COLOR") {
  if (run_shell("command -v script").code != 0) {
    MESSAGE("script(1) is not installed: the terminal half is skipped");
    return;
  }
  const std::string line = quote(tool()) + " --store " + quote(known().store.string()) + " runs";
  const auto tty = run_shell("script -qec " + quote(line) + " /dev/null");
  CHECK(tty.code == 0);
  CHECK(contains(tty.out, "\x1b["));
  const auto opted_out = run_shell("NO_COLOR=1 script -qec " + quote(line) + " /dev/null");
  CHECK_FALSE(contains(opted_out.out, "\x1b["));
  CHECK(contains(opted_out.out, id("demand_first")));
}
