// consist runs: the newest runs as a table, or as JSON.

#include "commands.hpp"

#include <consist/detail/json_fields.hpp>
#include <consist/store/listing.hpp>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <limits>

namespace consist::inline v0::cli {
namespace {

constexpr std::int64_t default_page = 50;

const command_spec spec{
    .name = "runs",
    .synopsis = "[--model M] [--tag T] [--status running|completed|failed] [--year Y] [--limit N] [--json]",
    .summary = "the newest runs (50 unless --limit; 0 for all): id, model, status, cache, started, duration",
    .value_options = {"--model", "--tag", "--status", "--year", "--limit"},
    .flags = {"--json"},
};

run_status parse_status(const std::string& s) {
  for (auto st : {run_status::running, run_status::completed, run_status::failed})
    if (s == to_string(st)) return st;
  usage_failure(spec, "--status must be running, completed or failed, not '" + s + "'");
}

boost::json::object summary_json(const run_record& r) {
  return {{"id", r.id},
          {"model_name", r.model_name},
          {"status", to_string(r.status)},
          {"cache_hit", r.cache_hit},
          {"cache_source", r.cache_source},
          {"parent_run_id", r.parent_run_id},
          {"year", detail::optional_int(r.year)},
          {"iteration", detail::optional_int(r.iteration)},
          {"tags", detail::string_array(r.tags)},
          {"signature", r.signature},
          {"started_at", detail::format_timestamp(r.started_at)},
          {"ended_at", r.ended_at ? boost::json::value(detail::format_timestamp(*r.ended_at)) : nullptr},
          {"duration_seconds", r.ended_at ? boost::json::value(r.duration_seconds()) : nullptr}};
}

std::string cache_column(const run_record& r) {
  if (r.cache_hit) return "hit";
  return r.status == run_status::running ? "-" : "miss";
}

int body(cli_context& ctx, std::span<const std::string> args) {
  const auto a = parse_command(spec, args);
  run_query q;
  q.model = a.value("--model");
  q.tag = a.value("--tag");
  if (const auto s = a.value("--status")) q.status = parse_status(*s);
  q.year = a.integer("--year", std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
  q.limit = static_cast<std::size_t>(
      a.integer("--limit", 0, std::numeric_limits<std::int32_t>::max()).value_or(default_page));

  const auto store = ctx.open_for_reading();
  const auto runs = list_runs(*store, q);
  if (a.flag("--json")) {
    boost::json::array out;
    for (const auto& r : runs) out.emplace_back(summary_json(r));
    ctx.out << boost::json::serialize(out) << '\n';
    return 0;
  }
  text_table table({"ID", "MODEL", "STATUS", "CACHE", "STARTED (UTC)", "DURATION"});
  for (const auto& r : runs)
    table.add({r.id, r.model_name, to_string(r.status), cache_column(r), format_time(r.started_at),
               format_duration(r)});
  table.print(ctx.out, ctx.style, [&](std::size_t row, std::size_t col, const std::string& cell) {
    return col == 2 ? ctx.style.status(runs[row].status) + cell.substr(std::string(to_string(runs[row].status)).size())
                    : cell;
  });
  const auto total = store->run_count();
  ctx.out << counted(runs.size(), "run") << " shown, newest first; the store holds " << counted(total, "run");
  if (q.limit != 0 && runs.size() == q.limit) ctx.out << " (--limit N for more, 0 for all)";
  ctx.out << '\n';
  return 0;
}

}  // namespace

const command& runs_command() {
  static const command c{spec, body};
  return c;
}

}  // namespace consist::inline v0::cli
