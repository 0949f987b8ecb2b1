#pragma once
// The arguments of one command: options with a value (--opt V or --opt=V),
// flags, and positionals. Anything else is a usage_error, which the tool
// turns into exit code 2 with the command's synopsis.

#include <consist/error.hpp>

#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace consist::inline v0::cli {

struct command_spec {
  std::string_view name = {};
  std::string_view synopsis = {};  // the arguments after the command name
  std::string_view summary = {};   // one line for `consist --help`
  std::vector<std::string_view> value_options = {};
  std::vector<std::string_view> flags = {};
  std::size_t min_positional = 0;
  std::size_t max_positional = 0;
};

[[noreturn]] inline void usage_failure(const command_spec& spec, const std::string& problem) {
  throw usage_error(problem, "the command line does not match `consist " + std::string(spec.name) + "`",
                    "usage: consist [--store PATH] " + std::string(spec.name) + " " + std::string(spec.synopsis));
}

class parsed_args {
 public:
  parsed_args(const command_spec& spec) : spec_(&spec) {}

  bool flag(std::string_view name) const { return flags_.contains(std::string(name)); }
  std::optional<std::string> value(std::string_view name) const {
    const auto it = values_.find(std::string(name));
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }
  /// The option's value as an integer in [min, max]; usage_error otherwise.
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max) const {
    const auto v = value(name);
    if (!v) return std::nullopt;
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || end != v->data() + v->size() || n < min || n > max)
      usage_failure(*spec_, std::string(name) + " needs an integer from " + std::to_string(min) + " to " +
                                std::to_string(max) + ", not '" + *v + "'");
    return n;
  }
  const std::vector<std::string>& positional() const noexcept { return positional_; }

 private:
  friend parsed_args parse_command(const command_spec&, std::span<const std::string>);
  const command_spec* spec_;
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  std::vector<std::string> positional_;
};

inline parsed_args parse_command(const command_spec& spec, std::span<const std::string> args) {
  parsed_args out(spec);
  const auto known = [](const std::vector<std::string_view>& names, std::string_view n) {
    for (auto k : names)
      if (k == n) return true;
    return false;
  };
  bool only_positional = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (only_positional || a.size() < 2 || !a.starts_with("-")) {
      out.positional_.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positional = true;
      continue;
    }
    const auto eq = a.find('=');
    const std::string name = a.substr(0, eq);
    if (known(spec.value_options, name)) {
      if (eq != std::string::npos) {
        out.values_[name] = a.substr(eq + 1);
      } else if (i + 1 < args.size()) {
        out.values_[name] = args[++i];
      } else {
        usage_failure(spec, name + " needs a value");
      }
    } else if (known(spec.flags, name) && eq == std::string::npos) {
      out.flags_.insert(name);
    } else {
      usage_failure(spec, "unknown option '" + a + "' for `consist " + std::string(spec.name) + "`");
    }
  }
  const auto n = out.positional_.size();
  if (n < spec.min_positional || n > spec.max_positional)
    usage_failure(spec, "`consist " + std::string(spec.name) + "` takes " +
                            (spec.min_positional == spec.max_positional
                                 ? std::to_string(spec.min_positional)
                                 : std::to_string(spec.min_positional) + " or more") +
                            " argument(s), got " + std::to_string(n));
  return out;
}

}  // namespace consist::inline v0::cli
