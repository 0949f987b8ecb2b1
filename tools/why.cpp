// consist why RUN_ID: why a run executed (its miss explanation, component by
// component, with the changed config fields and inputs and the runs
// upstream of it), or, for a hit, which run it reused.

#include "cli_records.hpp"
#include "commands.hpp"

#include <algorithm>
#include <map>

namespace consist::inline v0::cli {
namespace {

const command_spec spec{
    .name = "why",
    .synopsis = "RUN_ID",
    .summary = "why a run executed (changed components, config fields, inputs, upstream runs) or which run it reused",
    .min_positional = 1,
    .max_positional = 1,
};

std::string run_line(const run_record& r) {
  return r.id + " (" + r.model_name + ", " + to_string(r.status) + ", started " + format_time(r.started_at) + " UTC)";
}

std::string digest_of(const std::vector<std::pair<std::string, std::string>>& inputs, const std::string& key) {
  for (const auto& [k, v] : inputs)
    if (k == key) return v;
  return "(absent)";
}

void print_hit(cli_context& ctx, const run_store& store, const run_record& r) {
  ctx.out << ctx.style.bold("run " + r.id) << " was a " << ctx.style.green("cache hit") << ": fn did not run.\n";
  const auto source = store.get_run(r.cache_source);
  if (!source) {
    ctx.out << "It reused run " << r.cache_source << ", which is not in this store.\n";
    return;
  }
  ctx.out << "It reused run " << run_line(*source) << ",\nwhose result and outputs were restored (same signature "
          << r.signature << ").\n";
  if (source->explanation) ctx.out << "That run executed because: " << source->explanation->reason << '\n';
}

void print_changes(cli_context& ctx, const run_record& r, const run_record* nearest) {
  const auto& e = *r.explanation;
  ctx.out << '\n' << ctx.style.bold("changed components") << (nearest ? " (nearest run -> this run):\n" : ":\n");
  for (const auto& c : e.changed_components) {
    ctx.out << "  " << ctx.style.yellow(c);
    if (nearest) ctx.out << ": " << component_value(nearest->identity, c) << " -> " << component_value(r.identity, c);
    ctx.out << '\n';
    if (c == "config")
      for (const auto& f : e.changed_config_fields)
        ctx.out << "    field " << f << ": " << (nearest ? config_value(*nearest, f) : "?") << " -> "
                << config_value(r, f) << '\n';
    if (c == "inputs")
      for (const auto& in : e.changed_inputs) {
        const auto key = in.substr(0, in.find(" (from run "));
        ctx.out << "    input " << in << ": " << (nearest ? digest_of(nearest->identity.inputs, key) : "?") << " -> "
                << digest_of(r.identity.inputs, key) << '\n';
      }
  }
}

void print_upstream(cli_context& ctx, const run_store& store, const run_record& r) {
  text_table table({"INPUT", "ARTIFACT", "PRODUCED BY"});
  for (const auto& l : r.links) {
    if (l.direction != link_direction::input) continue;
    const auto a = store.get_artifact(l.artifact_id);
    std::string producer = "(a plain file)";
    if (!a) producer = "(artifact missing from the store)";
    else if (!a->producing_run_id.empty()) {
      const auto up = store.get_run(a->producing_run_id);
      producer = up ? run_line(*up) : a->producing_run_id + " (not in this store)";
    }
    table.add({l.key, l.artifact_id, producer});
  }
  if (table.size() == 0) return;
  ctx.out << '\n' << ctx.style.bold("upstream") << ":\n";
  table.print(ctx.out, ctx.style);
}

int body(cli_context& ctx, std::span<const std::string> args) {
  const auto a = parse_command(spec, args);
  const auto store = ctx.open_for_reading();
  const auto r = require_run(ctx, *store, a.positional()[0]);
  if (r.cache_hit) {
    print_hit(ctx, *store, r);
    return 0;
  }
  ctx.out << ctx.style.bold("run " + r.id) << " (" << r.model_name << ", " << ctx.style.status(r.status)
          << ") executed.\n";
  if (!r.explanation) {
    ctx.out << "It records no explanation (it was not made by consist::run).\n";
    return 0;
  }
  const auto& e = *r.explanation;
  ctx.out << "reason: " << e.reason << '\n';
  std::optional<run_record> nearest;
  if (!e.nearest_run_id.empty()) {
    if (auto n = store->get_run(e.nearest_run_id)) nearest = with_reused_config(*store, std::move(*n));
    ctx.out << "nearest earlier run: "
            << (nearest ? run_line(*nearest) : e.nearest_run_id + " (not in this store)") << '\n';
  }
  if (!e.changed_components.empty()) print_changes(ctx, r, nearest ? &*nearest : nullptr);
  print_upstream(ctx, *store, r);
  if (!r.error.empty()) ctx.out << '\n' << ctx.style.red("it failed: " + r.error) << '\n';
  return 0;
}

}  // namespace

const command& why_command() {
  static const command c{spec, body};
  return c;
}

}  // namespace consist::inline v0::cli
