// consist rebuild --from-snapshots RUN_DIR: a new store from the JSON
// snapshots in RUN_DIR/runs.

#include "commands.hpp"

#include <consist/store/snapshot.hpp>

#include <filesystem>

namespace consist::inline v0::cli {
namespace {

const command_spec spec{
    .name = "rebuild",
    .synopsis = "--from-snapshots RUN_DIR",
    .summary = "create the store (which must be new or empty) from the snapshots in RUN_DIR/runs",
    .value_options = {"--from-snapshots"},
};

int body(cli_context& ctx, std::span<const std::string> args) {
  const auto a = parse_command(spec, args);
  const auto run_dir = a.value("--from-snapshots");
  if (!run_dir) usage_failure(spec, "--from-snapshots RUN_DIR is required");
  std::error_code ec;
  if (!std::filesystem::is_directory(std::filesystem::path(*run_dir) / "runs", ec))
    throw not_found_error("'" + *run_dir + "' has no runs/ directory of snapshots",
                          "RUN_DIR is not a run folder (tracker_config::run_dir), or its snapshots were removed",
                          "pass the run folder that holds runs/<run_id>.json");
  const auto store = ctx.open_for_writing(true);
  if (const auto existing = store->run_count(); existing != 0)
    throw usage_error("the store at " + ctx.store_name() + " already holds " + std::to_string(existing) + " runs",
                      "rebuild creates a store; writing snapshots over live records could turn them back",
                      "rebuild into a new directory (--store NEW), then `consist --store OLD merge NEW` if needed");
  const auto n = rebuild_store_from_snapshots(*store, *run_dir);
  ctx.out << "rebuilt " << ctx.store_name() << " from " << n << " snapshots in '" << *run_dir << "/runs'\n";
  return 0;
}

}  // namespace

const command& rebuild_command() {
  static const command c{spec, body};
  return c;
}

}  // namespace consist::inline v0::cli
