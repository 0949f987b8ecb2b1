// consist diff RUN_A RUN_B: identity components and config fields side by
// side, marking those that differ.

#include "cli_records.hpp"
#include "commands.hpp"

#include <consist/explain.hpp>

#include <algorithm>
#include <set>

namespace consist::inline v0::cli {
namespace {

const command_spec spec{
    .name = "diff",
    .synopsis = "RUN_A RUN_B",
    .summary = "identity components and config fields of two runs side by side ('*' marks a difference)",
    .min_positional = 2,
    .max_positional = 2,
};

int body(cli_context& ctx, std::span<const std::string> args) {
  const auto a = parse_command(spec, args);
  const auto store = ctx.open_for_reading();
  const auto ra = with_reused_config(*store, require_run(ctx, *store, a.positional()[0]));
  const auto rb = with_reused_config(*store, require_run(ctx, *store, a.positional()[1]));
  const auto changed = changed_components(ra.identity, rb.identity);
  const auto mark = [](bool differs) { return std::string(differs ? "*" : " "); };
  const auto highlight = [&](std::size_t, std::size_t col, const std::string& cell) {
    return col == 0 && cell.starts_with("*") ? ctx.style.yellow(cell) : cell;
  };

  ctx.out << ctx.style.bold("identity") << (ra.signature == rb.signature ? " (same signature)" : " (signatures differ)")
          << ":\n";
  text_table identity({" ", "COMPONENT", ra.id, rb.id});
  for (const auto name : identity_component_names)
    identity.add({mark(std::find(changed.begin(), changed.end(), name) != changed.end()), std::string(name),
                  component_value(ra.identity, name), component_value(rb.identity, name)});
  identity.add({mark(ra.signature != rb.signature), "signature", ra.signature, rb.signature});
  identity.print(ctx.out, ctx.style, highlight);

  std::set<std::string> paths;
  for (const auto& [p, d] : ra.config_fields) paths.insert(p);
  for (const auto& [p, d] : rb.config_fields) paths.insert(p);
  const auto fields = changed_keys(ra.config_fields, rb.config_fields);
  ctx.out << '\n' << ctx.style.bold("config fields") << " (" << fields.size() << " of " << paths.size()
          << " differ):\n";
  text_table config({" ", "FIELD", ra.id, rb.id});
  for (const auto& p : paths)
    config.add({mark(std::find(fields.begin(), fields.end(), p) != fields.end()), p, config_value(ra, p),
                config_value(rb, p)});
  config.print(ctx.out, ctx.style, highlight);

  const auto inputs = changed_keys(ra.identity.inputs, rb.identity.inputs);
  if (!inputs.empty()) ctx.out << '\n' << ctx.style.bold("inputs that differ") << ": " << join(inputs) << '\n';
  return 0;
}

}  // namespace

const command& diff_command() {
  static const command c{spec, body};
  return c;
}

}  // namespace consist::inline v0::cli
