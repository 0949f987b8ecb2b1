// consist [--store PATH] COMMAND [ARGS]: inspect, explain, export and
// maintain a consist store. Exit codes: 0 ok, 1 not found or problems
// found, 2 usage.

#include "commands.hpp"

#include <consist/error.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <span>
#include <string>
#include <vector>

namespace cli = consist::cli;

namespace {

constexpr int exit_ok = 0, exit_problem = 1, exit_usage = 2;

std::vector<const cli::command*> all_commands() {
  return {&cli::runs_command(),   &cli::show_command(),   &cli::why_command(),   &cli::diff_command(),
          &cli::lineage_command(), &cli::export_command(), &cli::doctor_command(), &cli::merge_command(),
          &cli::compact_command(), &cli::rebuild_command()};
}

void print_usage(std::ostream& out) {
  out << "usage: consist [--store PATH] COMMAND [ARGS]\n\n"
         "The store is --store PATH, else $CONSIST_STORE, else ./.consist.\n\ncommands:\n";
  for (const auto* c : all_commands())
    out << "  " << c->spec.name << " " << c->spec.synopsis << "\n      " << c->spec.summary << "\n";
  out << "\nexit codes: 0 ok, 1 not found or problems found, 2 usage\n";
}

/// The three-part message; the problem names the store when it does not already.
void print_error(const consist::error& e, const std::string& store) {
  std::string problem = e.problem();
  if (!store.empty() && problem.find(store) == std::string::npos) problem += " (store: " + store + ")";
  std::cerr << "consist: " << problem << "\n  likely cause: " << e.likely_cause()
            << "\n  suggested fix: " << e.suggested_fix() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string store_path, origin;
  // --store may stand before or after the command name.
  for (std::size_t i = 0; i < args.size();) {
    if (args[i] == "--store" || args[i].starts_with("--store=")) {
      if (args[i] == "--store" && i + 1 == args.size()) {
        std::cerr << "consist: --store needs a path\nusage: consist [--store PATH] COMMAND [ARGS]\n";
        return exit_usage;
      }
      store_path = args[i] == "--store" ? args[i + 1] : args[i].substr(8);
      origin = "--store";
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
                 args.begin() + static_cast<std::ptrdiff_t>(i + (args[i] == "--store" ? 2 : 1)));
    } else {
      ++i;
    }
  }
  if (origin.empty()) {
    const char* env = std::getenv("CONSIST_STORE");
    if (env != nullptr && *env != '\0') {
      store_path = env;
      origin = "CONSIST_STORE";
    } else {
      store_path = ".consist";
      origin = "the default ./.consist";
    }
  }

  if (args.empty()) {
    print_usage(std::cerr);
    return exit_usage;
  }
  if (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    print_usage(std::cout);
    return exit_ok;
  }
  const cli::command* chosen = nullptr;
  for (const auto* c : all_commands())
    if (c->spec.name == args[0]) chosen = c;
  if (chosen == nullptr) {
    std::cerr << "consist: unknown command '" << args[0] << "'\n\n";
    print_usage(std::cerr);
    return exit_usage;
  }
  const std::span<const std::string> rest(args.data() + 1, args.size() - 1);
  for (const auto& a : rest)
    if (a == "-h" || a == "--help") {
      std::cout << "usage: consist [--store PATH] " << chosen->spec.name << " " << chosen->spec.synopsis << "\n  "
                << chosen->spec.summary << "\n";
      return exit_ok;
    }

  cli::cli_context ctx{store_path, origin, std::cout, cli::text_style::for_stdout()};
  try {
    const int code = chosen->body(ctx, rest);
    // Output lost on the way (a full disk under `> FILE`) is an error, not a success.
    if (!std::cout.flush()) {
      const int err = errno;
      throw consist::store_error("cannot write the output of `consist " + std::string(chosen->spec.name) +
                                     "` to stdout: " + std::strerror(err),
                                 "stdout is a file on a full or failing filesystem",
                                 "free some space, or write to another filesystem (export has --out FILE)");
    }
    return code;
  } catch (const consist::usage_error& e) {
    print_error(e, "");
    return exit_usage;
  } catch (const consist::error& e) {
    print_error(e, store_path);
    return exit_problem;
  } catch (const std::exception& e) {
    std::cerr << "consist: " << e.what() << " (store: " << store_path << ")\n";
    return exit_problem;
  }
}
