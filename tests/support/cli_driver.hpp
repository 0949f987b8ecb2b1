#pragma once
// Drives the `consist` tool as a separate process for the CLI tests: runs it
// with stdout and stderr captured, makes stores with prog_make_cli_store
// (which prints what it made as name=value lines), and offers the known
// store most tests read. The tool is built in <build>/tools, beside the
// test programs' <build>/tests.

#include <doctest/doctest.h>
#include <scratch.hpp>

#include <consist/store/store.hpp>

#include <boost/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace consist_test {

namespace fs = std::filesystem;
using ids_t = std::map<std::string, std::string>;

struct cli_result {
  int code = -1;
  std::string out, err;
};

inline std::string tool() { return (std::filesystem::path(CONSIST_TEST_PROGRAM_DIR) / "../tools/consist").string(); }
inline std::string store_program() {
  return (std::filesystem::path(CONSIST_TEST_PROGRAM_DIR) / "prog_make_cli_store").string();
}

inline std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// The first line of `text` that contains `part` (empty when none).
inline std::string line_with(const std::string& text, const std::string& part) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (contains(line, part)) return line;
  return {};
}

/// Runs a shell command line with stdout and stderr captured; code is the exit
/// status, or 128 + the signal that ended it (a crash never passes as an exit code).
inline cli_result run_shell(const std::string& line) {
  static int counter = 0;
  const auto base = fs::path(CONSIST_TEST_BINARY_DIR) /
                    ("cli-io-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  const std::string out = base.string() + ".out", err = base.string() + ".err";
  const int status = std::system((line + " >" + quote(out) + " 2>" + quote(err) + " </dev/null").c_str());
  cli_result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  r.out = read_file(out);
  r.err = read_file(err);
  fs::remove(out);
  fs::remove(err);
  return r;
}

/// `consist ARGS` (each argument quoted), after the environment settings in `env`.
inline cli_result cli(const std::vector<std::string>& args, const std::string& env = "env -u CONSIST_STORE") {
  std::string line = env + " " + quote(tool());
  for (const auto& a : args) line += " " + quote(a);
  return run_shell(line);
}
inline cli_result cli_on(const fs::path& store, std::vector<std::string> args) {
  args.insert(args.begin(), {"--store", store.string()});
  return cli(args);
}

/// prog_make_cli_store ARGS; what it printed as name -> value.
inline ids_t make_store(const std::vector<std::string>& args) {
  std::string line = quote(store_program());
  for (const auto& a : args) line += " " + quote(a);
  const auto r = run_shell(line);
  REQUIRE_MESSAGE(r.code == 0, "prog_make_cli_store failed: " << r.err);
  ids_t ids;
  std::istringstream in(r.out);
  for (std::string l; std::getline(in, l);)
    if (const auto eq = l.find('='); eq != std::string::npos) ids[l.substr(0, eq)] = l.substr(eq + 1);
  return ids;
}

/// The known store (made once per test executable by `make_cli_store full`):
/// the store in <dir>/store, its snapshots in <dir>/runs.
struct known_store {
  fs::path dir, store;
  ids_t ids;
};
inline const known_store& known() {
  static const known_store k = [] {
    REQUIRE_MESSAGE(fs::exists(tool()), "the tool is not built at " << tool() << ": build the consist_cli target");
    known_store s;
    s.dir = scratch_dir("cli-known");
    s.store = s.dir / "store";
    s.ids = make_store({"full", s.store.string(), s.dir.string()});
    return s;
  }();
  return k;
}
/// The id make_cli_store printed as `name` for the known store.
inline std::string id(const std::string& name) {
  const auto& ids = known().ids;
  const auto it = ids.find(name);
  REQUIRE_MESSAGE(it != ids.end(), "make_cli_store printed no " << name);
  return it->second;
}

inline boost::json::value parse(const std::string& text) { return boost::json::parse(text); }

/// The ids of `consist runs --json` output.
inline std::vector<std::string> ids_of(const boost::json::value& runs_json) {
  std::vector<std::string> out;
  for (const auto& r : runs_json.as_array()) out.emplace_back(r.at("id").as_string());
  return out;
}

inline std::shared_ptr<consist::run_store> open_read_only(const fs::path& store) {
  consist::store_options o;
  o.path = store;
  o.read_only = true;
  return consist::run_store::open(o);
}

}  // namespace consist_test
