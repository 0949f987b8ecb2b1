#pragma once
// Body of <consist/scenario.hpp>.

#include <consist/scenario.hpp>

#include <boost/json/array.hpp>

namespace consist::inline v0 {

scenario_context::scenario_context(tracker& t, resolved_invocation inv, run_record base,
                                   std::vector<std::string> required)
    : nesting_(&t, inv.name),
      t_(&t),
      inv_(std::move(inv)),
      required_(std::move(required)),
      state_(std::make_shared<detail::scenario_state>(base.id, inv_.name)),
      spans_(t.config().tracing),
      header_(t.store(), t.run_dir(), inv_, std::move(base), "a scenario header always executes",
              detail::run_start::now),
      exceptions_at_start_(std::uncaught_exceptions()) {}

scenario_context::~scenario_context() {
  if (ended_) return;
  try {
    end(std::uncaught_exceptions() > exceptions_at_start_, false);
  } catch (...) {
    // A destructor cannot throw; call finish() to see the error.
  }
}

artifact scenario_context::add_input(std::string_view key, const std::filesystem::path& path) {
  claim_input_key(key);
  const auto p = std::filesystem::absolute(path);
  artifact a = detail::input_file_artifact(t_->store(), std::string(key), p, t_->run_dir(),
                                           fingerprint_path(p, t_->config().hashing), detail::now());
  header_.link_input(std::string(key), a, true);
  return a;
}

artifact scenario_context::add_input(std::string_view key, const artifact& a) {
  claim_input_key(key);
  header_.link_input(std::string(key), a, false);
  return a;
}

const run_record& scenario_context::finish() {
  if (ended_)
    throw usage_error("scenario '" + inv_.name + "': finish() after the scenario ended",
                      "finish() was called twice", "call finish() once");
  end(false, true);
  return header_.record();
}

void scenario_context::claim_input_key(std::string_view key) {
  detail::validate_key("input", key);
  if (ended_ || state_->started())
    throw usage_error("scenario '" + inv_.name + "': add_input(\"" + std::string(key) + "\") after its first step",
                      "a scenario's inputs must be known before its steps read anything",
                      "add every scenario input before the first sc.run / sc.trace, or pass it to "
                      "tracker::scenario in consist::inputs{...}");
  bool given = !input_keys_.insert(std::string(key)).second;
  for (const auto& in : inv_.inputs) given = given || in.key == key;
  if (given)
    throw usage_error("scenario '" + inv_.name + "': input '" + std::string(key) + "' is given twice",
                      "it was added before, or passed in consist::inputs{...}", "give each input key once");
}

void scenario_context::step_threw(const detail::run_placement& where, const std::string& label, std::string id,
                                  std::exception_ptr e) noexcept {
  try {
    // The step left a record when it got as far as executing: a record under
    // its id that names this header as its parent (a step refused for an id
    // another run holds left none).
    if (id.empty() && !label.empty()) id = detail::step_run_id(where, label);
    if (!id.empty()) {
      const auto stored = t_->store().get_shared(id);
      if (!stored || stored->parent_run_id != where.parent_run_id) id.clear();
    }
  } catch (...) {
    id.clear();
  }
  state_->step_threw(where, label, id, detail::describe_exception(e));
}

void scenario_context::end(bool by_exception, bool may_throw) {
  ended_ = true;
  nesting_.leave();
  auto s = state_->end();
  std::vector<std::string> missing;
  for (const auto& k : required_)
    if (!s.outputs.contains(k)) missing.push_back(k);

  std::vector<std::string> problems;
  if (!s.failure.empty()) problems.push_back(s.failure);
  if (s.open_steps != 0)
    problems.push_back(std::to_string(s.open_steps) + " step(s) had not ended when the scenario ended");
  if (by_exception && s.failure.empty())
    problems.push_back("an exception left the scope of scenario '" + inv_.name + "'");
  if (!missing.empty()) problems.push_back("required outputs missing from the coupler: " + join(missing));

  run_record& rec = header_.record();
  boost::json::array steps;
  for (const auto& id : s.step_ids) steps.emplace_back(id);
  rec.meta["steps"] = std::move(steps);
  boost::json::object handed;
  for (const auto& [key, a] : s.outputs.items()) handed[key] = a.id;
  rec.meta["coupler"] = std::move(handed);
  if (!required_.empty()) rec.meta["required_outputs"] = to_array(required_);
  if (!missing.empty()) rec.meta["missing_outputs"] = to_array(missing);
  if (by_exception) spans_.take_into_nothrow(rec);
  else spans_.take_into(rec);

  if (problems.empty()) header_.complete(nullptr);  // never a cache candidate
  else header_.fail(join(problems, "; "));
  if (header_.writes()) t_->store().flush();

  if (!may_throw) return;
  if (s.open_steps != 0)
    throw usage_error("scenario '" + inv_.name + "' ended while " + std::to_string(s.open_steps) +
                          " of its step traces were still open",
                      "a trace from sc.trace(...) outlived the finish() call",
                      "end every step trace (finish() or its scope) before finishing the scenario");
  if (!missing.empty() && s.failure.empty())
    throw output_error("scenario '" + inv_.name + "' ended without its required outputs: " + join(missing),
                       "no step produced them (not declared in a step's consist::outputs{...}, or not logged "
                       "in a step trace)",
                       "produce them in a step, or drop them from consist::require_outputs{...}");
}

std::string scenario_context::join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

boost::json::array scenario_context::to_array(const std::vector<std::string>& items) {
  boost::json::array a;
  for (const auto& i : items) a.emplace_back(i);
  return a;
}

}  // namespace consist::inline v0
