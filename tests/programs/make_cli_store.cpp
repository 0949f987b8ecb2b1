// Makes the stores the command-line tool is tested on, and prints what it
// made as name=value lines.
//   full STORE RUN_DIR
//       demand (miss, with 12 span sites and a counter), the same again (a
//       hit), demand with alpha changed (a miss explained by config), assign
//       reading the newer demand's trips (coupled by artifact), assign again
//       reading the older trips (a miss explained by inputs), a failing solve,
//       and a header run with one child (parent_run_id).
//   hang STORE RUN_DIR MARKER
//       starts a run whose step creates MARKER and then sleeps (to be killed).
//   job STORE RUN_DIR LABEL [SHARED_RUN_ID]
//       two runs of a job with an output each; with SHARED_RUN_ID a third run
//       with that explicit id whose config holds LABEL.
//   input-file STORE RUN_DIR
//       one run reading a plain input file.
#include <consist.hpp>

#include <boost/hana/define_struct.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

struct demand_config {
  BOOST_HANA_DEFINE_STRUCT(demand_config, (double, alpha), (int, zones), (std::string, label));
};
struct assign_config {
  BOOST_HANA_DEFINE_STRUCT(assign_config, (int, iterations));
};
struct job_config {
  BOOST_HANA_DEFINE_STRUCT(job_config, (std::string, label), (int, part));
};

void print(const char* name, const std::string& value) { std::printf("%s=%s\n", name, value.c_str()); }

void pause_us(int us) { std::this_thread::sleep_for(std::chrono::microseconds(us)); }

// Twelve span sites with increasing work, so a run has more than ten to rank.
void timed_sites() {
  { CONSIST_SPAN("span_01"); pause_us(300); }
  { CONSIST_SPAN("span_02"); pause_us(600); }
  { CONSIST_SPAN("span_03"); pause_us(900); }
  { CONSIST_SPAN("span_04"); pause_us(1200); }
  { CONSIST_SPAN("span_05"); pause_us(1500); }
  { CONSIST_SPAN("span_06"); pause_us(1800); }
  { CONSIST_SPAN("span_07"); pause_us(2100); }
  { CONSIST_SPAN("span_08"); pause_us(2400); }
  { CONSIST_SPAN("span_09"); pause_us(2700); }
  { CONSIST_SPAN("span_10"); pause_us(3000); }
  { CONSIST_SPAN("span_11"); pause_us(3300); }
  { CONSIST_SPAN("span_12"); pause_us(3600); }
}

double demand_step(const demand_config& c, consist::run_context& ctx) {
  timed_sites();
  std::ofstream out(ctx.output_path("trips.csv"));
  out << "zone,trips\n";
  for (int z = 0; z < c.zones; ++z) {
    CONSIST_COUNT("zones_written");
    out << z << ',' << c.alpha * (z + 1) << '\n';
  }
  return c.alpha * c.zones;
}

int assign_step(const assign_config& c, consist::run_context& ctx) {
  std::ifstream in(ctx.input_path("trips"));
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream(ctx.output_path("flows.csv")) << "iterations," << c.iterations << "\nbytes," << all.size() << '\n';
  return c.iterations;
}

consist::run_record hand_made(const std::string& id, const std::string& model, const std::string& parent) {
  const auto now = std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
  consist::run_record r;
  r.id = id;
  r.model_name = model;
  r.parent_run_id = parent;
  r.status = consist::run_status::completed;
  r.started_at = r.created_at = r.updated_at = now;
  r.ended_at = now + std::chrono::milliseconds(5);
  r.description = "recorded directly through the store, as a scenario header and its step";
  return r;
}

int make_full(consist::tracker& t) {
  const consist::year y2030{2030};
  auto first = t.run(demand_step, consist::name{"demand"}, consist::config{demand_config{0.5, 4, "base"}}, y2030,
                     consist::tags{"baseline"}, consist::outputs{"trips.csv"});
  auto hit = t.run(demand_step, consist::name{"demand"}, consist::config{demand_config{0.5, 4, "base"}}, y2030,
                   consist::tags{"baseline"}, consist::outputs{"trips.csv"});
  auto second = t.run(demand_step, consist::name{"demand"}, consist::config{demand_config{0.7, 4, "base"}}, y2030,
                      consist::tags{"scenario-b"}, consist::outputs{"trips.csv"});
  auto assign = t.run(assign_step, consist::name{"assign"}, consist::config{assign_config{3}}, y2030,
                      consist::inputs{{"trips", second.outputs.at("trips.csv")}}, consist::outputs{"flows.csv"});
  auto assign_old = t.run(assign_step, consist::name{"assign"}, consist::config{assign_config{3}}, y2030,
                          consist::inputs{{"trips", first.outputs.at("trips.csv")}}, consist::outputs{"flows.csv"});
  std::string failed_id;
  try {
    t.run([&failed_id](consist::run_context& ctx) -> int {
      failed_id = ctx.run_id();
      throw std::runtime_error("solver diverged");
    }, consist::name{"solve"}, y2030);
  } catch (const std::runtime_error&) {
  }
  for (const auto& r : {hand_made("calibration_header", "calibration", ""),
                        hand_made("calibration_step1", "calibration_step", "calibration_header")}) {
    t.store().commit_run(r, nullptr, {});
    consist::write_snapshot(t.run_dir(), r);
  }
  t.flush();
  print("namespace", t.store().namespace_uuid());
  print("demand_first", first.run.id);
  print("demand_hit", hit.run.id);
  print("demand_second", second.run.id);
  print("assign", assign.run.id);
  print("assign_old", assign_old.run.id);
  print("failed", failed_id);
  print("header", "calibration_header");
  print("child", "calibration_step1");
  print("trips_first", first.outputs.at("trips.csv").id);
  print("trips_second", second.outputs.at("trips.csv").id);
  print("flows", assign.outputs.at("flows.csv").id);
  return 0;
}

int make_hang(consist::tracker& t, const std::string& marker) {
  t.run([&] {
    std::ofstream(marker) << "started\n";
    std::this_thread::sleep_for(std::chrono::seconds(120));
    return 0;
  }, consist::name{"longstep"});
  return 0;
}

int make_job(consist::tracker& t, const std::string& label, const std::string& shared_id) {
  auto step = [](const job_config& c, consist::run_context& ctx) {
    std::ofstream(ctx.output_path("result.txt")) << c.label << ':' << c.part << '\n';
    return c.part;
  };
  for (int part = 0; part < 2; ++part) {
    auto r = t.run(step, consist::name{"job"}, consist::config{job_config{label, part}},
                   consist::outputs{"result.txt"});
    print(("part" + std::to_string(part)).c_str(), r.run.id);
  }
  if (!shared_id.empty()) {
    auto r = t.run(step, consist::name{"shared"}, consist::run_id{shared_id}, consist::config{job_config{label, 99}},
                   consist::outputs{"result.txt"});
    print("shared", r.run.id);
  }
  return 0;
}

int make_input_file(consist::tracker& t) {
  const auto file = t.run_dir() / "data" / "network.csv";
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << "link,capacity\n1,1800\n";
  auto r = t.run([](consist::run_context& ctx) { return static_cast<int>(ctx.input_path("network").string().size()); },
                 consist::name{"read_network"}, consist::inputs{{"network", file}});
  print("run", r.run.id);
  print("network", r.run.links.at(0).artifact_id);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (argc < 4 || (mode == "hang" && argc != 5) || (mode == "job" && argc != 5 && argc != 6)) {
    std::fprintf(stderr, "usage: make_cli_store full|hang|job|input-file STORE RUN_DIR [MARKER|LABEL [ID]]\n");
    return 2;
  }
  consist::tracker t(consist::tracker_config{.store = argv[2], .run_dir = argv[3], .code_version = "cli-test-1"});
  if (mode == "full") return make_full(t);
  if (mode == "hang") return make_hang(t, argv[4]);
  if (mode == "job") return make_job(t, argv[4], argc == 6 ? argv[5] : "");
  if (mode == "input-file") return make_input_file(t);
  std::fprintf(stderr, "make_cli_store: unknown mode '%s'\n", mode.c_str());
  return 2;
}
