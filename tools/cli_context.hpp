#pragma once
// What every command gets: where the store is (and where that came from:
// --store, CONSIST_STORE or the default ./.consist), the output stream and
// its style, and how to open the store for reading or writing.

#include "cli_args.hpp"
#include "cli_text.hpp"

#include <consist/error.hpp>
#include <consist/store/store.hpp>

#include <filesystem>
#include <memory>
#include <ostream>
#include <span>
#include <string>

namespace consist::inline v0::cli {

/// `p` spelt one way (absolute, without `.`, `..` or links where they exist),
/// so two spellings of one store or file compare equal.
inline std::filesystem::path resolved_path(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::weakly_canonical(std::filesystem::absolute(p), ec);
}

struct cli_context {
  std::filesystem::path store_path;
  std::string store_origin;  // "--store", "CONSIST_STORE" or "the default"
  std::ostream& out;
  text_style style;

  std::string store_name() const { return "'" + store_path.string() + "' (from " + store_origin + ")"; }

  /// The store, opened read-only; not_found_error when there is none at the path.
  std::shared_ptr<run_store> open_for_reading() const { return open_existing(store_path, true); }

  /// The store, opened for writing; created when `create` and absent.
  std::shared_ptr<run_store> open_for_writing(bool create) const {
    if (create) return run_store::open(store_options{.path = store_path});
    return open_existing(store_path, false);
  }

  /// Another existing store (merge sources), read-only.
  std::shared_ptr<run_store> open_other(const std::filesystem::path& path) const { return open_existing(path, true); }

 private:
  std::shared_ptr<run_store> open_existing(const std::filesystem::path& path, bool read_only) const {
    const bool mine = path == store_path;
    const std::string shown = mine ? store_name() : "'" + path.string() + "'";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
      throw not_found_error("no consist store at " + shown + ": the path does not exist",
                            "the store was never created there, or the path is misspelt",
                            "pass --store PATH or set CONSIST_STORE to the store directory (a tracker's "
                            "tracker_config::store, ./.consist by default)");
    if (std::filesystem::is_directory(path, ec) && !std::filesystem::exists(path / "data.mdb", ec))
      throw not_found_error("no consist store at " + shown + ": the directory has no data.mdb",
                            "the directory is not a store (perhaps a run folder without its store)",
                            "pass --store PATH naming the directory that holds data.mdb");
    store_options o;
    o.path = path;
    o.read_only = read_only;
    return run_store::open(o);
  }
};

/// Each command: its spec and its body. The body returns the exit code.
struct command {
  const command_spec& spec;
  int (*body)(cli_context&, std::span<const std::string>);
};

}  // namespace consist::inline v0::cli
