// consist export --format provenance|jsonl [--out FILE]: the store as a
// ConsistProvenanceDocument or as JSON Lines of run records.

#include "commands.hpp"

#include <consist/store/export.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace consist::inline v0::cli {
namespace {

const command_spec spec{
    .name = "export",
    .synopsis = "--format provenance|jsonl [--out FILE]",
    .summary = "a ConsistProvenanceDocument (provenance schema 0.1.0) or one run record per line (jsonl)",
    .value_options = {"--format", "--out"},
};

[[noreturn]] void write_failed(const std::string& file, int err) {
  throw store_error("cannot write the export to '" + file + "': " + std::strerror(err),
                    "the directory does not exist, is not writable, or the filesystem is full",
                    "choose another --out path, or write to stdout and redirect it");
}

int body(cli_context& ctx, std::span<const std::string> args) {
  const auto a = parse_command(spec, args);
  const auto format = a.value("--format");
  if (!format) usage_failure(spec, "--format is required");
  if (*format != "provenance" && *format != "jsonl")
    usage_failure(spec, "--format must be provenance or jsonl, not '" + *format + "'");
  const auto file = a.value("--out");
  if (file) {
    // Renamed over the store's own files, the export would replace every record it holds.
    const auto target = resolved_path(*file);
    const auto name = target.filename();
    if ((name == "data.mdb" || name == "lock.mdb") && target.parent_path() == resolved_path(ctx.store_path))
      usage_failure(spec, "--out '" + *file + "' is a file of the store " + ctx.store_name() +
                              ", which the export would replace");
  }
  const auto store = ctx.open_for_reading();
  const auto write = [&](std::ostream& out) {
    if (*format == "provenance") write_provenance(*store, out);
    else write_runs_jsonl(*store, out);
  };
  if (!file) {
    write(ctx.out);
    return 0;
  }
  // Written beside the target and renamed, so a reader never sees half a file.
  const std::string tmp = *file + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) write_failed(*file, errno);
    try {
      write(out);
    } catch (...) {
      std::remove(tmp.c_str());
      throw;
    }
    out.flush();
    if (!out) {
      const int err = errno;
      std::remove(tmp.c_str());
      write_failed(*file, err);
    }
  }
  if (std::rename(tmp.c_str(), file->c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    write_failed(*file, err);
  }
  return 0;
}

}  // namespace

const command& export_command() {
  static const command c{spec, body};
  return c;
}

}  // namespace consist::inline v0::cli
