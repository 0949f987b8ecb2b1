// consist show RUN_ID: the record, its identity, inputs and outputs, its
// ten costliest spans and, for an MPI run, its spans over the ranks.

#include "cli_records.hpp"
#include "commands.hpp"

#include <consist/store/record_codec.hpp>

#include <boost/json/serialize.hpp>

#include <cstdio>

namespace consist::inline v0::cli {
namespace {

constexpr std::size_t top_spans = 10;

const command_spec spec{
    .name = "show",
    .synopsis = "RUN_ID [--json]",
    .summary = "one run: record, identity summary, inputs/outputs, spans (top 10 by total time)",
    .flags = {"--json"},
    .min_positional = 1,
    .max_positional = 1,
};

void field(cli_context& ctx, std::string_view name, const std::string& value) {
  std::string label(name);
  label.resize(13, ' ');
  ctx.out << ctx.style.bold(label) << value << '\n';
}

void print_links(cli_context& ctx, const run_store& store, const run_record& r, link_direction d) {
  text_table table({"KEY", "ARTIFACT", "LOCATION", "FINGERPRINT", "FROM RUN"});
  for (const auto& l : r.links) {
    if (l.direction != d) continue;
    const auto a = store.get_artifact(l.artifact_id);
    table.add({l.key, l.artifact_id, a ? a->location : "(missing from the store)",
               a ? a->fingerprint_strategy + ":" + a->fingerprint.substr(0, 16) : "-",
               a && a->producing_run_id != r.id ? or_dash(a->producing_run_id) : "-"});
  }
  ctx.out << '\n' << ctx.style.bold(d == link_direction::input ? "inputs" : "outputs");
  if (table.size() == 0) {
    ctx.out << ": none\n";
    return;
  }
  ctx.out << ":\n";
  table.print(ctx.out, ctx.style);
}

void print_spans(cli_context& ctx, const run_record& r) {
  const auto spans = r.spans();
  ctx.out << '\n' << ctx.style.bold("spans");
  if (spans.empty()) {
    ctx.out << ": none\n";
    return;
  }
  ctx.out << " (top " << std::min(top_spans, spans.size()) << " of " << spans.size() << " by total time):\n";
  text_table table({"NAME", "COUNT", "TOTAL", "MEAN", "MIN", "MAX", "THREADS", "SITE"});
  for (std::size_t i = 0; i < spans.size() && i < top_spans; ++i) {
    const auto& s = spans[i];
    const bool timed = s.timed && s.count != 0;
    table.add({s.name, std::to_string(s.count), timed ? format_ns(static_cast<double>(s.total_ns)) : "-",
               timed ? format_ns(static_cast<double>(s.total_ns) / static_cast<double>(s.count)) : "-",
               timed ? format_ns(static_cast<double>(s.min_ns)) : "-",
               timed ? format_ns(static_cast<double>(s.max_ns)) : "-", std::to_string(s.threads),
               s.file + ":" + std::to_string(s.line)});
  }
  table.print(ctx.out, ctx.style);
}

// An MPI run's spans per site over its ranks (consist/mpi.hpp): each rank's
// total time and count at the site, as min / mean / max over the ranks, and
// max / mean, the site's load imbalance (1.00x: perfectly balanced).
void print_span_ranks(cli_context& ctx, const run_record& r) {
  if (r.span_ranks.empty()) return;
  const auto& all = r.span_ranks;  // largest single-rank total first
  ctx.out << '\n' << ctx.style.bold("spans over ranks") << " (" << all.front().ranks << " ranks; top "
          << std::min(top_spans, all.size()) << " of " << all.size() << " by the slowest rank's total):\n";
  text_table table({"NAME", "RANKS IN", "COUNT MIN", "COUNT MEAN", "COUNT MAX", "TOTAL MIN", "TOTAL MEAN",
                    "TOTAL MAX", "MAX/MEAN", "SLOWEST", "SITE"});
  const auto ratio = [](double max, double mean) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2fx", mean > 0 ? max / mean : 1.0);
    return std::string(buf);
  };
  for (std::size_t i = 0; i < all.size() && i < top_spans; ++i) {
    const auto& s = all[i];
    const double ranks = s.ranks != 0 ? static_cast<double>(s.ranks) : 1.0;
    const double count_mean = static_cast<double>(s.count_sum) / ranks;
    const double total_mean = static_cast<double>(s.total_ns_sum) / ranks;
    char mean[32];
    std::snprintf(mean, sizeof mean, "%.1f", count_mean);
    table.add({s.name, std::to_string(s.entered) + "/" + std::to_string(s.ranks), std::to_string(s.count_min), mean,
               std::to_string(s.count_max), s.timed ? format_ns(static_cast<double>(s.total_ns_min)) : "-",
               s.timed ? format_ns(total_mean) : "-", s.timed ? format_ns(static_cast<double>(s.total_ns_max)) : "-",
               s.timed ? ratio(static_cast<double>(s.total_ns_max), total_mean)
                       : ratio(static_cast<double>(s.count_max), count_mean),
               "rank " + std::to_string(s.slowest_rank), s.file + ":" + std::to_string(s.line)});
  }
  table.print(ctx.out, ctx.style);
}

int body(cli_context& ctx, std::span<const std::string> args) {
  const auto a = parse_command(spec, args);
  const auto store = ctx.open_for_reading();
  const auto r = require_run(ctx, *store, a.positional()[0]);
  if (a.flag("--json")) {
    ctx.out << boost::json::serialize(record_to_json(r)) << '\n';
    return 0;
  }
  field(ctx, "run", ctx.style.bold(r.id));
  field(ctx, "model", r.model_name);
  std::string status = ctx.style.status(r.status);
  if (r.cache_hit) status += " (cache hit: reused run " + r.cache_source + ")";
  field(ctx, "status", status);
  if (!r.error.empty()) field(ctx, "error", ctx.style.red(r.error));
  field(ctx, "started", format_time(r.started_at) + " UTC");
  field(ctx, "ended", r.ended_at ? format_time(*r.ended_at) + " UTC" : "-");
  field(ctx, "duration", format_duration(r));
  field(ctx, "year", format_optional(r.year));
  field(ctx, "iteration", format_optional(r.iteration));
  if (!r.stage.empty() || !r.phase.empty()) field(ctx, "stage/phase", or_dash(r.stage) + " / " + or_dash(r.phase));
  field(ctx, "tags", r.tags.empty() ? "-" : join(r.tags));
  field(ctx, "parent", or_dash(r.parent_run_id));
  if (!r.description.empty()) field(ctx, "description", r.description);
  field(ctx, "signature", r.signature);
  field(ctx, "process",
        "pid " + std::to_string(r.pid) + " on " + or_dash(r.host) + " (boot " + or_dash(r.boot_id) + ")");
  if (r.explanation) field(ctx, "why", r.explanation->reason);

  ctx.out << '\n' << ctx.style.bold("identity") << ":\n";
  text_table identity({"COMPONENT", "VALUE"});
  for (const auto name : identity_component_names)
    identity.add({std::string(name), component_value(r.identity, name)});
  identity.print(ctx.out, ctx.style);

  print_links(ctx, *store, r, link_direction::input);
  print_links(ctx, *store, r, link_direction::output);
  print_spans(ctx, r);
  print_span_ranks(ctx, r);
  if (!r.config.is_null()) ctx.out << '\n' << ctx.style.bold("config") << ": " << display_json(r.config) << '\n';
  if (!r.meta.empty()) ctx.out << ctx.style.bold("meta") << ": " << display_json(r.meta) << '\n';
  if (const auto hits = store->hit_counter(r.id))
    ctx.out << ctx.style.bold("reused") << ": " << hits->first << " times (counted), last "
            << format_time(hits->second) << " UTC\n";
  return 0;
}

}  // namespace

const command& show_command() {
  static const command c{spec, body};
  return c;
}

}  // namespace consist::inline v0::cli
