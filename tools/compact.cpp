// consist compact --out PATH: a compacted hot copy of the store.

#include "commands.hpp"

#include <consist/store/compact.hpp>

#include <filesystem>

namespace consist::inline v0::cli {
namespace {

const command_spec spec{
    .name = "compact",
    .synopsis = "--out PATH",
    .summary = "write a compacted copy of the store to a new directory (safe while runs write to the store)",
    .value_options = {"--out"},
};

int body(cli_context& ctx, std::span<const std::string> args) {
  const auto a = parse_command(spec, args);
  const auto out = a.value("--out");
  if (!out) usage_failure(spec, "--out is required");
  const auto store = ctx.open_for_reading();
  compact_store(*store, *out);
  std::error_code ec;
  const auto before = std::filesystem::file_size(ctx.store_path / "data.mdb", ec);
  const auto after = std::filesystem::file_size(std::filesystem::path(*out) / "data.mdb", ec);
  ctx.out << "compacted " << ctx.store_name() << " (" << before << " bytes) into '" << *out << "' (" << after
          << " bytes, " << store->run_count() << " runs)\n";
  return 0;
}

}  // namespace

const command& compact_command() {
  static const command c{spec, body};
  return c;
}

}  // namespace consist::inline v0::cli
