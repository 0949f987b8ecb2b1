// consist doctor [--fix] [--run-dir DIR]: abandoned runs, dangling parents
// and cache sources, links to missing artifacts, snapshot/store
// disagreement. --fix marks abandoned runs failed and writes the missing
// snapshots of finished runs from the store; nothing is deleted.

#include "commands.hpp"

#include <consist/store/doctor.hpp>

#include <algorithm>

namespace consist::inline v0::cli {
namespace {

const command_spec spec{
    .name = "doctor",
    .synopsis = "[--fix] [--run-dir DIR]",
    .summary = "find abandoned runs, dangling references and snapshot disagreement; --fix marks abandoned runs "
               "failed and writes missing snapshots",
    .value_options = {"--run-dir"},
    .flags = {"--fix"},
};

int body(cli_context& ctx, std::span<const std::string> args) {
  const auto a = parse_command(spec, args);
  const bool fix = a.flag("--fix");
  doctor_options options;
  // Snapshots live in <run_dir>/runs; a tracker's default run_dir is its store directory.
  if (const auto dir = a.value("--run-dir")) options.run_dir = *dir;
  else if (std::filesystem::is_directory(ctx.store_path / "runs")) options.run_dir = ctx.store_path;

  const auto store = fix ? ctx.open_for_writing(false) : ctx.open_for_reading();
  const auto report = diagnose_store(*store, options);
  if (!options.run_dir) ctx.out << "note: snapshots not compared (no runs/ in the store directory; pass --run-dir)\n";
  for (const auto& n : report.notes) ctx.out << "note: " << n << '\n';

  std::vector<std::string> marked, written;
  if (fix) {
    marked = mark_abandoned_failed(*store, report, options);
    written = write_missing_snapshots(*store, report, options);
  }
  const auto fixed_by = [&](const store_problem& p) -> const char* {
    const auto in = [&](const std::vector<std::string>& ids) {
      return std::find(ids.begin(), ids.end(), p.run_id) != ids.end();
    };
    if (p.kind == store_problem_kind::abandoned_run && in(marked)) return " (fixed: marked failed)";
    if (p.kind == store_problem_kind::snapshot_missing && in(written)) return " (fixed: written from the store)";
    return nullptr;
  };
  std::vector<bool> fixed_rows;
  text_table table({"PROBLEM", "RUN", "DETAIL"});
  for (const auto& p : report.problems) {
    const char* how = fixed_by(p);
    fixed_rows.push_back(how != nullptr);
    table.add({std::string(to_string(p.kind)) + (how ? how : ""), p.run_id, p.detail});
  }
  if (table.size() != 0)
    table.print(ctx.out, ctx.style, [&](std::size_t row, std::size_t col, const std::string& cell) {
      if (col != 0) return cell;
      return fixed_rows[row] ? ctx.style.green(cell) : ctx.style.red(cell);
    });
  const auto remaining = static_cast<std::size_t>(std::count(fixed_rows.begin(), fixed_rows.end(), false));
  ctx.out << counted(report.runs_checked, "run") << " and " << counted(report.snapshots_checked, "snapshot")
          << " checked: " << counted(report.problems.size(), "problem");
  const auto has = [&](store_problem_kind k) {
    const auto is_k = [&](const store_problem& p) { return p.kind == k; };
    return std::any_of(report.problems.begin(), report.problems.end(), is_k);
  };
  if (fix) ctx.out << ", " << marked.size() + written.size() << " fixed";
  else if (has(store_problem_kind::abandoned_run) || has(store_problem_kind::snapshot_missing))
    ctx.out << " (--fix marks abandoned runs failed and writes missing snapshots from the store)";
  ctx.out << '\n';
  return remaining == 0 ? 0 : 1;
}

}  // namespace

const command& doctor_command() {
  static const command c{spec, body};
  return c;
}

}  // namespace consist::inline v0::cli
