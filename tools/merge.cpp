// consist merge OTHER_STORE... [--skip-conflicts]: combine per-process or
// per-job stores into the store (created if missing).

#include "commands.hpp"

#include <consist/store/merge.hpp>

#include <limits>

namespace consist::inline v0::cli {
namespace {

const command_spec spec{
    .name = "merge",
    .synopsis = "OTHER_STORE... [--skip-conflicts]",
    .summary = "merge other stores into this one; conflicts abort with nothing written unless --skip-conflicts",
    .flags = {"--skip-conflicts"},
    .min_positional = 1,
    .max_positional = std::numeric_limits<std::size_t>::max(),
};

int body(cli_context& ctx, std::span<const std::string> args) {
  const auto a = parse_command(spec, args);
  merge_options options;
  options.skip_conflicts = a.flag("--skip-conflicts");
  // Sources first: a missing source must not leave a new, empty destination behind.
  std::vector<std::shared_ptr<run_store>> sources;
  for (const auto& p : a.positional()) {
    // However it is spelt: the store, opened once per process, cannot be both a source and the destination.
    if (resolved_path(p) == resolved_path(ctx.store_path))
      throw usage_error("cannot merge the store at " + ctx.store_name() + " into itself ('" + p + "')",
                        "the destination was also given as a source", "name each store once");
    sources.push_back(ctx.open_other(p));
  }
  const auto into = ctx.open_for_writing(true);
  std::vector<const run_store*> from;
  for (const auto& s : sources) from.push_back(s.get());
  const auto report = merge_stores(*into, from, options);

  for (const auto& c : report.conflicts)
    ctx.out << ctx.style.red("conflict") << ": " << c.kind << " " << c.id << " in '" << c.source << "' "
            << c.detail << '\n';
  for (const auto& n : report.notes) ctx.out << "note: " << n << '\n';
  if (!report.written) {
    ctx.out << counted(report.conflicts.size(), "conflict") << ": nothing was merged into " << ctx.store_name()
            << " (--skip-conflicts keeps the first version and merges the rest)\n";
    return 1;
  }
  ctx.out << "merged " << counted(sources.size(), "store") << " into " << ctx.store_name() << ": "
          << counted(report.runs_added, "run") << " and " << counted(report.artifacts_added, "artifact") << " added, "
          << counted(report.runs_identical, "run") << " and " << counted(report.artifacts_identical, "artifact")
          << " already present, " << counted(report.counters_merged, "hit counter") << " merged";
  if (report.runs_finished != 0) ctx.out << ", " << counted(report.runs_finished, "running run") << " finished";
  if (!report.conflicts.empty()) ctx.out << ", " << counted(report.conflicts.size(), "conflict") << " skipped";
  ctx.out << '\n';
  return 0;
}

}  // namespace

const command& merge_command() {
  static const command c{spec, body};
  return c;
}

}  // namespace consist::inline v0::cli
