#pragma once
// Body of <consist/detail/run_lifecycle.hpp>.

#include <consist/detail/run_lifecycle.hpp>

#include <consist/detail/outputs.hpp>
#include <consist/detail/run_id.hpp>
#include <consist/detail/snapshot_file.hpp>
#include <consist/detail/uuid.hpp>
#include <consist/detail/validate.hpp>
#include <consist/explain.hpp>
#include <consist/store/snapshot.hpp>

#include <algorithm>
#include <system_error>

namespace consist::inline v0::detail {

std::string describe_exception(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "an exception not derived from std::exception";
  }
}

std::string step_run_id(const run_placement& where, std::string_view name) {
  return where.parent_run_id + "." + std::to_string(where.step) + "." + std::string(name);
}

std::string choose_run_id(const resolved_invocation& inv, const run_placement& where) {
  if (!inv.run_id.empty()) return inv.run_id;
  if (where.parent_run_id.empty()) return make_run_id(inv.name);
  std::string id = step_run_id(where, inv.name);
  if (id.size() > limits::label_chars) step_run_id_too_long(where, inv.name, id);
  return id;
}

void step_run_id_too_long(const run_placement& where, std::string_view name, const std::string& id) {
  const std::string& header = where.parent_run_id;
  const std::string& scenario = where.scenario;
  // The room the step's name has beside "<header id>.<n>.", and, when the
  // header's id is "<scenario name>_<8 hex>", the room both names share.
  const std::size_t fixed = id.size() - header.size() - name.size();
  const std::size_t for_name = limits::label_chars - std::min(limits::label_chars, header.size() + fixed);
  const bool drawn = header.size() == scenario.size() + 9 && header.starts_with(scenario + "_");
  const std::string room =
      drawn ? "they may have at most " + std::to_string(for_name + scenario.size()) + " characters together"
            : "beside the scenario's run id '" + header + "' the step name may have at most " +
                  std::to_string(for_name) + " characters";
  throw usage_error("scenario '" + scenario + "' and step '" + std::string(name) + "' make a step run id of " +
                        std::to_string(id.size()) + " characters; the limit is " +
                        std::to_string(limits::label_chars),
                    "a step's run id is '<scenario run id>.<step number>.<step name>', so the scenario's and the "
                    "step's names share one limit",
                    "shorten the scenario's or the step's name (" + room + "), or give the step a consist::run_id");
}

std::string stale_output(const run_store& store, const cache_entry& entry, const std::filesystem::path& run_dir) {
  for (const auto& [key, id] : entry.outputs) {
    const auto a = store.get_artifact(id);
    if (!a) return "cached output '" + key + "' has no artifact record";
    const auto p = artifact_path(*a, run_dir);
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) return "cached output '" + key + "' is missing at " + p.string();
    if (!file_matches_artifact(*a, p))
      return "cached output '" + key + "' changed since run " + entry.run_id;
  }
  return {};
}

std::map<std::string, artifact> load_outputs(const run_store& store, const cache_entry& entry) {
  std::map<std::string, artifact> out;
  for (const auto& [key, id] : entry.outputs)
    if (auto a = store.get_artifact(id)) out.emplace(key, std::move(*a));
  return out;
}

cache_lookup look_up(const run_store& store, const resolved_invocation& inv, const std::filesystem::path& run_dir) {
  cache_lookup l;
  if (inv.mode == cache_mode::overwrite) {
    l.why = "cache_options{.mode = overwrite}: always executes";
    return l;
  }
  l.entry = store.find_cached(inv.signature);
  // Declared outputs are not identity: a run that requires one (missing = error) cannot reuse a run without it.
  if (l.entry && inv.output_policy.missing == policy::error) {
    for (const auto& key : inv.output_keys) {
      const auto has_key = [&](const auto& o) { return o.first == key; };
      if (std::none_of(l.entry->outputs.begin(), l.entry->outputs.end(), has_key)) {
        l.why = "run " + l.entry->run_id + " has no output '" + key + "', which this run declares and requires";
        l.entry.reset();
        return l;
      }
    }
  }
  if (l.entry && inv.validate == cache_validation::eager) {
    if (auto stale = stale_output(store, *l.entry, run_dir); !stale.empty()) {
      l.entry.reset();
      l.why = stale + " (eager validation)";
    }
  }
  return l;
}

void write_hit(run_store& store, cache_mode mode, hit_recording record_hits, const run_record& rec,
               bool given_id) {
  if (mode == cache_mode::readonly) return;
  if (given_id && record_hits == hit_recording::full) {
    store.add_run(rec);
    return;
  }
  if (given_id) store.require_new_id(rec.id);
  if (record_hits == hit_recording::full) store.enqueue(rec);
  else if (record_hits == hit_recording::count) store.count_hit(rec.cache_source, *rec.ended_at);
}

artifact input_file_artifact(const run_store& store, const std::string& key, const std::filesystem::path& p,
                             const std::filesystem::path& run_dir, const fingerprint& fp, timestamp when) {
  artifact a = make_artifact(key, p, run_dir, fp);
  a.created_at = when;
  a.id = name_uuid(store.namespace_uuid(), "file:" + a.location + "#" + a.fingerprint_strategy + ":" + a.fingerprint);
  return a;
}

std::filesystem::path output_dir_of(const std::filesystem::path& run_dir, const std::string& model,
                                    const std::string& run_id) {
  return run_dir / "outputs" / model / run_id;
}

run_context context_of(const resolved_invocation& inv, const std::filesystem::path& run_dir,
                       const std::string& run_id) {
  std::vector<run_context::input_location> locations;
  for (const auto& in : inv.inputs) locations.push_back({in.key, in.path});
  return run_context(run_id, inv.model, output_dir_of(run_dir, inv.model, run_id), std::move(locations),
                     inv.output_keys);
}

run_spans::run_spans(bool on) {
  if (on) collection_.emplace();
}

void run_spans::take_into(run_record& rec) {
  if (!collection_) return;
  span_collection c = std::move(*collection_);
  collection_.reset();
  rec.span_stats = c.finish();
}

void run_spans::take_into_nothrow(run_record& rec) noexcept {
  try {
    take_into(rec);
  } catch (const std::exception& ex) {
    try {
      rec.meta["spans_error"] = ex.what();
    } catch (...) {
    }
  } catch (...) {
  }
}

executing_run::executing_run(run_store& store, std::filesystem::path run_dir, const resolved_invocation& inv,
                             run_record rec, std::string_view why, run_start start, output_folder folder)
    : store_(&store),
      run_dir_(std::move(run_dir)),
      writes_(inv.mode != cache_mode::readonly),
      signature_(inv.signature),
      rec_(std::move(rec)) {
  explain(inv, why);
  for (const auto& in : inv.inputs) {
    if (in.upstream) link_input(in.key, *in.upstream, false);
    else link_input(in.key, input_file_artifact(store, in.key, in.path, run_dir_, *in.file, rec_.started_at), true);
  }
  if (folder == output_folder::fresh) claim_output_folder(inv);
  if (writes_) begin(inv, start);
  // Nothing is recorded in readonly, but fn writes its outputs in the folder
  // of its id: an id given (or a step's) that names a stored run is refused
  // as on any miss, before those outputs are overwritten.
  else if (!drawn_id(inv)) store.require_new_id(rec_.id);
}

bool executing_run::drawn_id(const resolved_invocation& inv) const {
  return inv.run_id.empty() && rec_.parent_run_id.empty();
}

void executing_run::draw_another_id(const resolved_invocation& inv) {
  rec_.id = make_run_id(inv.name, run_id_draw::after_collision);
  for (auto& l : rec_.links) l.run_id = rec_.id;
}

/// True when `dir` exists and is not an empty folder.
inline bool holds_files(const std::filesystem::path& dir) {
  std::error_code ec;
  const auto st = std::filesystem::symlink_status(dir, ec);
  if (!std::filesystem::exists(st)) return false;
  return !std::filesystem::is_directory(st) || !std::filesystem::is_empty(dir, ec);
}

void executing_run::claim_output_folder(const resolved_invocation& inv) {
  while (holds_files(output_dir())) {
    if (drawn_id(inv)) {
      draw_another_id(inv);
      continue;
    }
    store_->require_new_id(rec_.id);  // an id the store holds is reported as such (in readonly too)
    throw usage_error("run '" + rec_.id + "' would write its outputs in " + output_dir().string() +
                          ", which already holds files",
                      "a run with this id wrote there before: a readonly run (which records nothing), a run of "
                      "another store sharing this run folder, or a recorded run whose id a readonly run was given; "
                      "its files would be taken for this run's outputs, or overwritten",
                      "give this run another consist::run_id (or let consist draw one), or move that folder away "
                      "if no run needs it");
  }
}

void executing_run::begin(const resolved_invocation& inv, run_start start) {
  const auto try_start = [&] {
    return start == run_start::now ? store_->try_begin_run(rec_) : store_->try_start_run(rec_);
  };
  if (!drawn_id(inv)) return start == run_start::now ? store_->begin_run(rec_) : store_->start_run(rec_);
  while (!try_start()) draw_another_id(inv);
}

void executing_run::link_input(const std::string& key, const artifact& a, bool introduces) {
  rec_.links.push_back({rec_.id, a.id, key, link_direction::input});
  if (introduces) artifacts_.push_back(a);
}

void executing_run::add_output(const std::string& key, artifact& a) {
  if (a.producing_run_id.empty()) {
    a.producing_run_id = rec_.id;
    a.producing_signature = rec_.signature;
    a.created_at = now();
    artifacts_.push_back(a);
  }
  outputs_.emplace_back(key, a.id);
  rec_.links.push_back({rec_.id, a.id, key, link_direction::output});
}

void executing_run::add_warnings(const std::vector<std::string>& warnings) {
  if (warnings.empty()) return;
  boost::json::array w;
  for (const auto& s : warnings) w.emplace_back(s);
  rec_.meta["output_warnings"] = std::move(w);
}

void executing_run::merge_meta(const boost::json::object& m) {
  for (const auto& kv : m) rec_.meta.insert_or_assign(kv.key(), kv.value());
}

/// Commits the run, then writes its snapshot as write_snapshot does, but
/// from the record's text just stored and through the files the store makes
/// ahead (snapshot_file.hpp).
inline void commit_with_snapshot(run_store& store, const std::filesystem::path& run_dir, const run_record& rec,
                                 const cache_entry* entry, std::span<const artifact> artifacts) {
  std::string text = store.commit_run(rec, entry, artifacts);
  write_snapshot_file(snapshot_path(run_dir, rec.id), snapshot_to_text(std::move(text), rec, entry, artifacts),
                      store.snapshot_spares());
}

void executing_run::complete(const std::vector<std::uint8_t>* value) {
  rec_.status = run_status::completed;
  rec_.ended_at = rec_.updated_at = now();
  if (!writes_) return;
  std::optional<cache_entry> entry;
  if (value) {
    entry.emplace();
    entry->run_id = rec_.id;
    entry->signature = signature_;
    entry->created_at = rec_.created_at;
    entry->value = *value;
    entry->outputs = outputs_;
  }
  commit_with_snapshot(*store_, run_dir_, rec_, entry ? &*entry : nullptr, artifacts_);
}

void executing_run::fail(std::string error) {
  rec_.status = run_status::failed;
  rec_.error = std::move(error);
  rec_.ended_at = rec_.updated_at = now();
  if (!writes_) return;
  commit_with_snapshot(*store_, run_dir_, rec_, nullptr, artifacts_);
}

void executing_run::explain(const resolved_invocation& inv, std::string_view why) {
  run_query q;
  q.model = inv.model;
  q.status = run_status::completed;
  q.limit = 20;
  const auto producers = producers_of(store_->find_shared(q));
  std::vector<const run_record*> earlier;
  earlier.reserve(producers.size());
  for (const auto& r : producers) earlier.push_back(r.get());
  miss_explanation e = explain_against(rec_, earlier);
  if (!why.empty()) e.reason = std::string(why) + "; " + e.reason;
  for (auto& key : e.changed_inputs)
    for (const auto& in : inv.inputs)
      if (in.key == key && in.upstream) key += " (from run " + in.upstream->producing_run_id + ")";
  rec_.explanation = std::move(e);
}

std::vector<std::shared_ptr<const run_record>> executing_run::producers_of(
    const std::vector<std::shared_ptr<const run_record>>& runs) const {
  std::vector<std::shared_ptr<const run_record>> out;
  out.reserve(runs.size());
  const auto seen = [&](const std::string& id) {
    return std::any_of(out.begin(), out.end(), [&](const auto& r) { return r->id == id; });
  };
  for (const auto& r : runs) {
    if (r->cache_hit && !r->cache_source.empty()) {
      if (seen(r->cache_source)) continue;
      if (auto source = store_->get_shared(r->cache_source); source && source->status == run_status::completed) {
        out.push_back(std::move(source));
        continue;
      }
    }
    if (!seen(r->id)) out.push_back(r);
  }
  return out;
}

}  // namespace consist::inline v0::detail
