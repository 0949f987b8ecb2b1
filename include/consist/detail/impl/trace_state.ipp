#pragma once
// Body of <consist/detail/trace_state.hpp>.

#include <consist/detail/trace_state.hpp>

#include <consist/detail/output_links.hpp>
#include <consist/detail/outputs.hpp>
#include <consist/detail/uuid.hpp>
#include <consist/detail/validate.hpp>
#include <consist/error.hpp>

#include <algorithm>
#include <exception>
#include <system_error>

namespace consist::inline v0::detail {

trace_state::trace_state(trace_environment env, resolved_invocation inv, run_record base,
                         std::shared_ptr<step_observer> observer)
    : env_(std::move(env)),
      inv_(std::move(inv)),
      observer_(std::move(observer)),
      exceptions_at_start_(std::uncaught_exceptions()),
      ctx_(context_of(inv_, env_.run_dir, base.id)),
      spans_(env_.tracing) {
  cache_lookup l = look_up(*env_.store, inv_, env_.run_dir);
  if (l.entry) {
    // A given id is checked now, as a miss's is (end_hit writes it).
    if (!inv_.run_id.empty() && inv_.mode != cache_mode::readonly) env_.store->require_new_id(base.id);
    hit_ = std::move(l.entry);
    cache_source_ = hit_->run_id;
    cached_outputs_ = load_outputs(*env_.store, *hit_);
    pending_ = std::move(base);
  } else {
    ex_.emplace(*env_.store, env_.run_dir, inv_, std::move(base), l.why);
    // A drawn id the run had to draw again (taken in the store, or its folder holding files) moves the folder.
    if (ex_->record().id != ctx_.run_id()) ctx_ = context_of(inv_, env_.run_dir, ex_->record().id);
  }
}

artifact trace_state::log_input(std::string_view key, const std::filesystem::path& path) {
  require_open("log_input");
  claim_input_key(key);
  const auto p = std::filesystem::absolute(path);
  const fingerprint fp = fingerprint_path(p, env_.hashing);  // identity_error when missing
  return add_input(std::string(key), input_file_artifact(*env_.store, std::string(key), p, env_.run_dir, fp, now()),
                   true);
}

artifact trace_state::log_input(std::string_view key, const artifact& a) {
  require_open("log_input");
  // A plain file's artifact names the bytes it had; a hit would take the changed file for them.
  if (a.producing_signature.empty()) check_file_artifact(std::string(key), a, artifact_path(a, env_.run_dir));
  claim_input_key(key);
  return add_input(std::string(key), a, false);
}

artifact trace_state::log_output(std::string_view key_view, const std::filesystem::path& path) {
  require_open("log_output");
  validate_key("output", key_view);
  const std::string key(key_view);
  if (outputs_.contains(key))
    throw usage_error("trace '" + inv_.name + "': output '" + key + "' is logged twice",
                      "log_output was called again with the same key", "log each output key once");
  const auto p = std::filesystem::absolute(path);
  std::error_code ec;
  if (!std::filesystem::exists(p, ec))
    throw output_error("trace '" + inv_.name + "': log_output(\"" + key + "\", " + p.string() +
                           "): the file does not exist",
                       "the body did not write it, or wrote it elsewhere",
                       "write the file first (trace_scope::output_path(key) is the usual place)");
  check_output_links(key, p, env_.run_dir, env_.allow_external_outputs);
  if (hit_) {
    const auto c = cached_outputs_.find(key);
    if (c == cached_outputs_.end()) {
      demote("output '" + key + "' is not among the outputs of run " + cache_source_);
    } else {
      if (file_matches_artifact(c->second, p)) {
        output_paths_on_hit_.emplace(key, p);
        return outputs_.emplace(key, c->second).first->second;
      }
      demote("output '" + key + "' differs from the one run " + cache_source_ + " produced");
    }
  }
  artifact a = own_output(key, p);
  ex_->add_output(key, a);
  return outputs_.emplace(key, std::move(a)).first->second;
}

const run_record& trace_state::finish() {
  require_open("finish");
  try {
    if (hit_) end_hit();
    else end_miss();
  } catch (...) {
    end_failed(describe_exception(std::current_exception()));
    throw;
  }
  finished_ = true;
  notify();
  return record();
}

const run_record& trace_state::fail(std::string error) {
  require_open("fail");
  end_failed(std::move(error));
  return record();
}

void trace_state::end_in_destructor() noexcept {
  if (finished_) return;
  if (std::uncaught_exceptions() > exceptions_at_start_) {
    try {
      end_failed("an exception left the scope of trace '" + inv_.name + "'");
    } catch (...) {
    }
    return;
  }
  try {
    finish();
  } catch (...) {
    // finish() already marked the run failed; a destructor cannot throw.
  }
}

void trace_state::require_open(const char* what) const {
  if (finished_)
    throw usage_error(std::string("trace '") + inv_.name + "': " + what + "() after the trace ended",
                      "finish() or fail() was already called, or the trace ended through an error",
                      "log everything before finish(); open a new trace for more work");
}

void trace_state::claim_input_key(std::string_view key) {
  validate_key("input", key);
  const bool given = std::any_of(inv_.inputs.begin(), inv_.inputs.end(), [&](const auto& in) { return in.key == key; });
  if (given || !input_keys_.insert(std::string(key)).second)
    throw usage_error("trace '" + inv_.name + "': input '" + std::string(key) + "' is given twice",
                      "it was logged before, or passed in consist::inputs{...}", "give each input key once");
}

artifact trace_state::add_input(std::string key, artifact a, bool introduces) {
  if (hit_ && !was_cached_input(key, a))
    demote("input '" + key + "' is not an input of run " + cache_source_);
  if (ex_) ex_->link_input(key, a, introduces);
  else inputs_on_hit_.push_back({key, a, introduces});
  return a;
}

bool trace_state::was_cached_input(const std::string& key, const artifact& a) {
  if (!cached_links_) {
    const auto source = env_.store->get_run(cache_source_);
    cached_links_ = source ? source->links : std::vector<artifact_link>{};
  }
  return std::any_of(cached_links_->begin(), cached_links_->end(), [&](const artifact_link& l) {
    if (l.direction != link_direction::input || l.key != key) return false;
    if (l.artifact_id == a.id) return true;
    // A plain input file's id is drawn in the store's namespace, which a store
    // rebuilt from snapshots or merged into has anew: there the same file is
    // the same location and fingerprint.
    if (!a.producing_run_id.empty()) return false;
    const auto cached = env_.store->get_artifact(l.artifact_id);
    return cached && cached->producing_run_id.empty() && cached->location == a.location &&
           cached->fingerprint_strategy == a.fingerprint_strategy && cached->fingerprint == a.fingerprint;
  });
}

artifact trace_state::own_output(const std::string& key, const std::filesystem::path& p) const {
  artifact a = make_artifact(key, p, env_.run_dir, fingerprint_path(p, env_.hashing));
  a.id = random_uuid();
  return a;
}

void trace_state::demote(const std::string& reason) {
  run_record base = std::move(pending_);
  base.meta["demoted_from"] = cache_source_;
  base.meta["demotion"] = reason;
  const std::string why = "demoted from a hit on run " + cache_source_ + ": " + reason;
  hit_.reset();
  cache_source_.clear();
  cached_outputs_.clear();
  ex_.emplace(*env_.store, env_.run_dir, inv_, std::move(base), why, run_start::queued, output_folder::in_use);
  for (const auto& in : inputs_on_hit_) ex_->link_input(in.key, in.item, in.introduces);
  inputs_on_hit_.clear();
  for (auto& [key, a] : outputs_) {
    // An output logged while this was a hit is the cached run's artifact; the
    // demoted run has the file that was logged, as an artifact of its own.
    if (const auto p = output_paths_on_hit_.find(key); p != output_paths_on_hit_.end()) {
      a = own_output(key, p->second);
    }
    ex_->add_output(key, a);
  }
  output_paths_on_hit_.clear();
}

void trace_state::end_hit() {
  run_record rec = hit_record(inv_, *hit_, pending_.started_at, pending_.id, placement());
  spans_.take_into(rec);
  for (const auto& kv : ctx_.meta()) rec.meta.insert_or_assign(kv.key(), kv.value());
  write_hit(*env_.store, inv_.mode, inv_.record_hits, rec, !inv_.run_id.empty());
  outputs_ = cached_outputs_;
  pending_ = std::move(rec);
}

void trace_state::end_miss() {
  std::vector<std::string> warnings;
  for (const auto& key : inv_.output_keys) {
    if (outputs_.contains(key)) continue;
    const auto p = ctx_.output_dir() / key;
    std::error_code ec;
    if (std::filesystem::exists(p, ec)) log_output(key, p);
    else missing_output(inv_.output_policy, warnings, key);
  }
  if (!inv_.output_keys.empty())
    for (const auto& [key, a] : outputs_)
      if (std::find(inv_.output_keys.begin(), inv_.output_keys.end(), key) == inv_.output_keys.end())
        undeclared_output(inv_.output_policy, warnings, key);
  spans_.take_into(ex_->record());
  ex_->add_warnings(warnings);
  ex_->merge_meta(ctx_.meta());
  const std::vector<std::uint8_t> no_value;  // a trace returns nothing, like a void run
  ex_->complete(&no_value);
}

void trace_state::end_failed(std::string error) noexcept {
  finished_ = true;
  try {
    if (hit_) demote("the trace failed");
    spans_.take_into_nothrow(ex_->record());
    ex_->merge_meta(ctx_.meta());
    ex_->fail(std::move(error));
  } catch (...) {
    // The store refused the failure record; the caller's exception matters more.
  }
  notify();
}

}  // namespace consist::inline v0::detail
