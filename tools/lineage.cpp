// consist lineage ARTIFACT: the tree of runs that produced an artifact,
// their inputs, the runs that produced those, and so on.

#include "cli_records.hpp"
#include "commands.hpp"

#include <consist/queries.hpp>
#include <consist/store/listing.hpp>

#include <algorithm>
#include <limits>
#include <map>

namespace consist::inline v0::cli {
namespace {

const command_spec spec{
    .name = "lineage",
    .synopsis = "ARTIFACT_KEY_OR_ID [--depth N]",
    .summary = "the producer tree of an artifact (by key: the newest run's), N producer levels deep",
    .value_options = {"--depth"},
    .min_positional = 1,
    .max_positional = 1,
};

/// The artifact with this id; else the one the newest completed run producing this key made or, a hit,
/// reused (find_latest_artifact); else the newest with this key. And how many share the key.
std::pair<artifact, std::size_t> resolve_artifact(const cli_context& ctx, const run_store& store,
                                                  const std::string& wanted) {
  if (auto a = store.get_artifact(wanted)) return {std::move(*a), 1};
  std::vector<artifact> same_key;
  for (auto& a : all_artifacts(store))
    if (a.key == wanted) same_key.push_back(std::move(a));
  if (same_key.empty())
    throw not_found_error("no artifact has the id or key '" + wanted + "' in the store at " + ctx.store_name(),
                          "the key is misspelt, or the artifact was recorded in another store",
                          "`consist show RUN_ID` lists the inputs and outputs of a run with their keys and ids");
  if (auto used = find_latest_artifact(store, wanted)) return {std::move(*used), same_key.size()};
  // No completed run has it as an output: a plain input file, or a failed run's output.
  const auto newest = std::max_element(same_key.begin(), same_key.end(), [](const artifact& x, const artifact& y) {
    return x.created_at != y.created_at ? x.created_at < y.created_at : x.id < y.id;
  });
  return {std::move(*newest), same_key.size()};
}

class tree_printer {
 public:
  tree_printer(cli_context& ctx, const run_store& store, std::int64_t depth)
      : ctx_(ctx), store_(store), depth_(depth) {}

  void artifact_line(const artifact& a, const std::string& label, int indent) {
    ctx_.out << std::string(static_cast<std::size_t>(indent), ' ') << label << ctx_.style.bold(a.key) << "  " << a.id
             << "  " << a.location << (a.producing_run_id.empty() ? "  (plain file)" : "") << '\n';
  }

  void producer(const artifact& a, int indent, std::int64_t level) {
    if (a.producing_run_id.empty()) return;
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    const auto r = store_.get_run(a.producing_run_id);
    if (!r) {
      ctx_.out << pad << "<- run " << a.producing_run_id << " (not in this store)\n";
      return;
    }
    ctx_.out << pad << "<- run " << ctx_.style.bold(r->id) << " (" << r->model_name << ", "
             << ctx_.style.status(r->status) << ", started " << format_time(r->started_at) << " UTC)";
    // Shown above, unless only deeper than here: then its inputs stopped at --depth sooner than they do here.
    const auto [at, first] = seen_.try_emplace(r->id, level);
    if (!first && at->second <= level) {
      ctx_.out << " (shown above)\n";
      return;
    }
    at->second = level;
    ctx_.out << '\n';
    for (const auto& l : r->links) {
      if (l.direction != link_direction::input) continue;
      const auto in = store_.get_artifact(l.artifact_id);
      if (!in) {
        ctx_.out << pad << "     input " << l.key << "  " << l.artifact_id << "  (missing from the store)\n";
        continue;
      }
      artifact_line(*in, "input " + l.key + " = ", indent + 5);
      if (level < depth_) producer(*in, indent + 7, level + 1);
      else if (!in->producing_run_id.empty())
        ctx_.out << pad << "       <- run " << in->producing_run_id << " (--depth reached)\n";
    }
  }

 private:
  cli_context& ctx_;
  const run_store& store_;
  std::int64_t depth_;
  std::map<std::string, std::int64_t> seen_;  // run id -> the level its inputs were shown from
};

int body(cli_context& ctx, std::span<const std::string> args) {
  const auto a = parse_command(spec, args);
  const auto depth = a.integer("--depth", 1, std::numeric_limits<std::int32_t>::max())
                         .value_or(std::numeric_limits<std::int32_t>::max());
  const auto store = ctx.open_for_reading();
  const auto [root, sharing] = resolve_artifact(ctx, *store, a.positional()[0]);
  if (sharing > 1)
    ctx.out << "(one of " << sharing << " artifacts with key '" << root.key
            << "': the newest run's; pass an id for another)\n";
  tree_printer printer(ctx, *store, depth);
  printer.artifact_line(root, "", 0);
  printer.producer(root, 2, 1);
  return 0;
}

}  // namespace

const command& lineage_command() {
  static const command c{spec, body};
  return c;
}

}  // namespace consist::inline v0::cli
