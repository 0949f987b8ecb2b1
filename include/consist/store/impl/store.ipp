#pragma once
// Body of <consist/store/store.hpp>.

#include <consist/store/store.hpp>

#include <consist/detail/run_id.hpp>
#include <consist/detail/snapshot_file.hpp>
#include <consist/detail/store_meta.hpp>
#include <consist/store/group_commit.hpp>
#include <consist/store/record_codec.hpp>

#include <algorithm>
#include <chrono>

namespace consist::inline v0 {

std::shared_ptr<run_store> run_store::open(const store_options& options) {
  auto& reg = registry();
  std::lock_guard lock(reg.m);
  std::error_code ec;
  const std::string key = std::filesystem::weakly_canonical(std::filesystem::absolute(options.path), ec).string();
  if (auto it = reg.stores.find(key); it != reg.stores.end())
    if (auto existing = it->second.lock(); existing && !existing->opened_by_parent()) {
      existing->require_same_options(options);
      return existing;
    }
  // The deleter takes the registry lock so a concurrent open() of the same
  // path waits for this instance to close its environment.
  std::shared_ptr<run_store> s(new run_store(token{}, options), [](run_store* p) {
    std::lock_guard l(registry().m);
    delete p;
  });
  reg.stores[key] = s;
  return s;
}

run_store::run_store(token, const store_options& options)
    : options_(options),
      env_(lmdb::env::open(options.path, env_options_for(options))) {
  if (options.read_only) open_existing();
  else open_or_create();
  if (options.read_only) return;
  spares_ = std::make_unique<detail::spare_files>();
  queue_ = std::make_unique<detail::group_commit<queued>>(
      options.hit_queue_capacity, 1024, [this](std::vector<queued>& batch) { write_queued(batch); },
      [this] {
        // A durable commit after the last deferred one already synced the file.
        if (env_.durable_commits() == deferred_mark_.load()) env_.sync();
      },
      std::chrono::milliseconds(200), [this](queued& item) { stage_queued(item); });
}

run_store::~run_store() {
  if (!opened_by_parent()) return;
  // In a child of fork(): the threads of the writer and of the spare files
  // are the parent's and do not run here, so their queue and files are left
  // as they are (joining a thread that is not there never returns).
  static_cast<void>(queue_.release());
  static_cast<void>(spares_.release());
}

std::optional<cache_entry> run_store::find_cached(const signature_digest& signature) const {
  std::optional<cache_entry> found(std::in_place);
  if (!find_cached(signature, *found)) found.reset();
  return found;
}

bool run_store::find_cached(const signature_digest& signature, cache_entry& out) const {
  const bool hit = env_.read([&](const lmdb::txn& t) {
    const auto v = t.get(db_.signature_index, signature_key(signature));
    if (v) layout::decode_cache_entry_into(out, *v, "a signature index entry");
    return v.has_value();
  });
  if (hit && out.signature != signature)
    throw integrity_error("a signature index entry holds another signature than its key",
                          "the store was damaged or written by another program",
                          "rebuild the store from the run snapshots");
  return hit;
}

bool run_store::try_begin_run(const run_record& record) {
  if (record.status != run_status::running)
    throw usage_error("begin_run got run '" + record.id + "' with status " + to_string(record.status),
                      "begin_run records a run that starts", "pass status running, or use commit_run");
  env_.require_writable("begin a run");
  return put_now(prepare({record, std::nullopt, {}}));
}

bool run_store::try_add_run(const run_record& record) {
  env_.require_writable("add a run");
  auto p = prepare({record, std::nullopt, {}});
  if (started_here(record.id)) return false;  // put_now checks the store in its transaction
  return put_now(std::move(p));
}

bool run_store::put_now(prepared&& p) {
  const bool written =
      env_.write([&](lmdb::txn& t) { return put_run(t, p, id_use::new_run); }, lmdb::commit_sync::deferred);
  if (written && options_.durability == durability::sync) {
    deferred_mark_ = env_.durable_commits();
    queue_->request_sync();
  }
  if (written) remember(std::move(p));
  return written;
}

bool run_store::started_here(std::string_view id) const {
  std::lock_guard lock(starts_m_);
  return starts_.contains(id);
}

bool run_store::names_run(std::string_view id) const {
  if (started_here(id)) return true;
  return env_.read([&](const lmdb::txn& t) { return t.get(db_.runs, id).has_value(); });
}

bool run_store::try_start_run(const run_record& record) {
  if (record.status != run_status::running)
    throw usage_error("start_run got run '" + record.id + "' with status " + to_string(record.status),
                      "start_run records a run that starts", "pass status running, or use commit_run");
  env_.require_writable("start a run");
  detail::validate_record_names(record);  // here, not on the writer: the caller hears of a bad name
  if (names_run(record.id)) return false;
  {
    std::lock_guard lock(starts_m_);
    if (!starts_.emplace(record.id, start_state::queued).second) return false;
  }
  try {
    queue_->emplace(std::in_place_type<started>, started{record});
  } catch (...) {
    withdraw_start(record.id);
    throw;
  }
  return true;
}

void run_store::withdraw_start(const std::string& id) {
  std::lock_guard lock(starts_m_);
  if (const auto it = starts_.find(id); it != starts_.end() && it->second == start_state::queued) starts_.erase(it);
}

std::string run_store::commit_run(const run_record& record, const cache_entry* entry,
                                  std::span<const artifact> artifacts) {
  env_.require_writable("commit a run");
  auto p = prepare({record, entry ? std::optional(*entry) : std::nullopt,
                    std::vector<artifact>(artifacts.begin(), artifacts.end())});
  withdraw_start(record.id);
  env_.write([&](lmdb::txn& t) {
    if (!put_run(t, p, id_use::same_run)) id_taken(p.record.id);
  });
  std::string text = p.text;
  remember(std::move(p));
  return text;
}

void run_store::remember(prepared&& p) const {
  const std::string id = p.record.id;
  recent_.insert(id, std::move(p.text), std::make_shared<const run_record>(std::move(p.record)));
}

void run_store::commit_runs(std::span<const run_commit> runs) {
  env_.require_writable("commit runs");
  std::vector<prepared> ps;
  ps.reserve(runs.size());
  for (const auto& r : runs) ps.push_back(prepare(r));
  env_.write([&](lmdb::txn& t) {
    for (const auto& p : ps)
      if (!put_run(t, p, id_use::same_run)) id_taken(p.record.id);
  });
}

template <class Item, class Record>
void run_store::enqueue_record(Record&& record) {
  env_.require_own_process();
  env_.require_writable("enqueue a run");
  detail::validate_record_names(record);
  queue_->emplace(std::in_place_type<Item>, std::forward<Record>(record));
}

// A copy goes packed: one heap block to the writer's thread rather than one
// per string of a copied record (see detail/packed_record.hpp).
void run_store::enqueue(const run_record& record) { enqueue_record<detail::packed_record>(record); }

void run_store::enqueue(run_record&& record) { enqueue_record<run_record>(std::move(record)); }

void run_store::count_hit(std::string_view run_id, timestamp when) {
  env_.require_own_process();
  env_.require_writable("count a hit");
  layout::validate_name(run_id, "run id");
  queue_->emplace(std::in_place_type<hit>, hit{std::string(run_id), when});
}

void run_store::flush() {
  env_.require_own_process();
  if (queue_) queue_->flush();
}

std::optional<run_record> run_store::get_run(std::string_view id) const {
  return env_.read([&](const lmdb::txn& t) -> std::optional<run_record> {
    const auto text = t.get(db_.runs, id);
    if (!text) return std::nullopt;
    return copied(id, *text);
  });
}

namespace detail {
inline const run_record& record_of(const run_record& r) noexcept { return r; }
inline const run_record& record_of(const std::shared_ptr<const run_record>& r) noexcept { return *r; }
}  // namespace detail

template <class Rec, class Load>
std::vector<Rec> run_store::query_runs(const run_query& q, Load load) const {
  return env_.read([&](const lmdb::txn& t) {
    std::vector<Rec> out;
    bool ordered = false;
    auto consider = [&](std::string_view id, std::string_view text) {
      Rec r = load(id, text);
      if (matches(q, detail::record_of(r))) out.push_back(std::move(r));
      return !(ordered && q.limit != 0 && out.size() >= q.limit);
    };
    auto consider_id = [&](std::string_view id) {
      const auto text = t.get(db_.runs, id);
      if (!text) dangling_index(id);
      return consider(id, *text);
    };
    if (q.parent || q.tag) {
      const auto prefix = layout::prefix_of(q.parent ? *q.parent : *q.tag);
      t.with_cursor(q.parent ? db_.children : db_.tags, [&](lmdb::cursor& c) {
        detail::scan_prefix(c, prefix, [&](const lmdb::cursor::entry& e) {
          return consider_id(e.first.substr(prefix.size()));
        });
      });
    } else if (q.model) {
      ordered = true;
      const auto prefix = layout::prefix_of(*q.model);
      t.with_cursor(db_.model_time, [&](lmdb::cursor& c) {
        detail::scan_prefix_reverse(c, prefix, [&](const lmdb::cursor::entry& e) {
          const auto id = layout::model_time_run_id(e.first, prefix.size());
          const auto status = layout::status_from_byte(e.second);
          if (!id || !status) dangling_index(e.first);
          return (q.status && *status != *q.status) ? true : consider_id(*id);
        });
      });
    } else {
      t.with_cursor(db_.runs, [&](lmdb::cursor& c) {
        for (auto e = c.first(); e; e = c.next()) consider(e->first, e->second);
      });
    }
    if (!ordered)
      std::sort(out.begin(), out.end(), [](const Rec& a, const Rec& b) {
        const run_record& x = detail::record_of(a);
        const run_record& y = detail::record_of(b);
        return x.created_at != y.created_at ? x.created_at > y.created_at : x.id > y.id;
      });
    if (q.limit != 0 && out.size() > q.limit) out.resize(q.limit);
    return out;
  });
}

std::vector<run_record> run_store::find_runs(const run_query& q) const {
  return query_runs<run_record>(
      q, [&](std::string_view id, std::string_view text) { return copied(id, text); });
}

std::vector<std::shared_ptr<const run_record>> run_store::find_shared(const run_query& q) const {
  return query_runs<std::shared_ptr<const run_record>>(
      q, [&](std::string_view id, std::string_view text) { return parsed(id, text, true); });
}

std::shared_ptr<const run_record> run_store::get_shared(std::string_view id) const {
  return env_.read([&](const lmdb::txn& t) -> std::shared_ptr<const run_record> {
    const auto text = t.get(db_.runs, id);
    if (!text) return nullptr;
    return parsed(id, *text, true);
  });
}

run_record run_store::copied(std::string_view id, std::string_view text) const {
  if (auto known = recent_.find(id, text)) return *known;
  return record_from_text(text, record_source(id));
}

std::shared_ptr<const run_record> run_store::parsed(std::string_view id, std::string_view text, bool remember) const {
  if (auto known = recent_.find(id, text)) return known;
  auto r = std::make_shared<const run_record>(record_from_text(text, record_source(id)));
  if (remember) recent_.insert(id, std::string(text), r);
  return r;
}

std::optional<run_record> run_store::find_latest_run(std::string_view model, run_status status) const {
  run_query q;
  q.model = std::string(model);
  q.status = status;
  q.limit = 1;
  auto found = find_runs(q);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::optional<artifact> run_store::get_artifact(std::string_view id) const {
  return env_.read([&](const lmdb::txn& t) -> std::optional<artifact> {
    const auto text = t.get(db_.artifacts, id);
    if (!text) return std::nullopt;
    return artifact_from_text(*text, "artifact '" + std::string(id) + "' in the store at " + env_.path());
  });
}

std::vector<artifact_link> run_store::links_of_run(std::string_view run_id) const {
  return links(db_.run_artifacts, run_id, [&](const layout::link_key& k, std::string_view value) {
    return artifact_link{std::string(k.first), std::string(value), std::string(k.second), k.direction};
  });
}

std::vector<artifact_link> run_store::links_of_artifact(std::string_view artifact_id) const {
  return links(db_.artifact_runs, artifact_id, [&](const layout::link_key& k, std::string_view value) {
    return artifact_link{std::string(k.second), std::string(k.first), std::string(value), k.direction};
  });
}

std::optional<std::pair<std::uint64_t, timestamp>> run_store::hit_counter(std::string_view run_id) const {
  return env_.read([&](const lmdb::txn& t) -> std::optional<std::pair<std::uint64_t, timestamp>> {
    const auto v = t.get(db_.hit_counters, run_id);
    if (!v) return std::nullopt;
    return layout::decode_hit_counter(*v, run_id);
  });
}

std::size_t run_store::run_count() const {
  return env_.read([&](const lmdb::txn& t) { return t.entries(db_.runs); });
}

lmdb::env_options run_store::env_options_for(const store_options& o) {
  lmdb::env_options e;
  e.map_size = o.initial_map_size;
  e.read_only = o.read_only;
  e.durability = o.durability;
  return e;
}

run_store::store_registry& run_store::registry() {
  static store_registry r;
  return r;
}

void run_store::require_same_options(const store_options& o) const {
  if (o.durability != options_.durability || o.read_only != options_.read_only ||
      o.hit_queue_capacity != options_.hit_queue_capacity)
    throw usage_error("the store at '" + env_.path() + "' is already open in this process with other options",
                      "run_store::open shares one instance per path; durability, read_only and "
                      "hit_queue_capacity cannot differ between users",
                      "open the store once with the options every user needs");
}

std::string run_store::record_source(std::string_view id) const {
  return "run record '" + std::string(id) + "' in the store at " + env_.path();
}

void run_store::dangling_index(std::string_view what) const {
  throw integrity_error("an index of the store at " + env_.path() + " names a missing run ('" +
                            std::string(what.substr(0, 80)) + "')",
                        "the store was damaged or modified by another program",
                        "rebuild the store from the run snapshots");
}

bool run_store::matches(const run_query& q, const run_record& r) {
  return (!q.model || r.model_name == *q.model) && (!q.parent || r.parent_run_id == *q.parent) &&
         (!q.status || r.status == *q.status) && (!q.year || r.year == q.year) &&
         (!q.iteration || r.iteration == q.iteration) &&
         (!q.tag || std::find(r.tags.begin(), r.tags.end(), *q.tag) != r.tags.end());
}

void run_store::describe(const run_record& r, prepared& p) {
  detail::validate_record_names(r);
  if (signature_digest d{}; detail::hex_decode_into(r.signature, d)) p.signature = d;
  p.text = record_to_text(r);
  p.indexes = detail::index_entries_of(r);
}

run_store::prepared run_store::prepare(run_commit c) const {
  prepared p;
  describe(c.record, p);
  if (c.entry) {
    if (c.entry->run_id != c.record.id || !p.signature || *p.signature != c.entry->signature)
      throw usage_error("the cache entry given for run '" + c.record.id + "' belongs to another run or signature",
                        "cache_entry::run_id and ::signature must equal the record's id and (hex) signature",
                        "build the entry from the record it is committed with");
    if (c.record.status == run_status::completed) p.entry_bytes = layout::encode_cache_entry(*c.entry);
  }
  for (const auto& a : c.artifacts) {
    layout::validate_name(a.id, "artifact id");
    p.artifacts.emplace_back(a.id, artifact_to_text(a));
  }
  p.record = std::move(c.record);
  return p;
}

void run_store::prepare_packed(const detail::packed_record& packed, prepared& p) const {
  // One record's buffers serve every hit record this writer prepares, so
  // unpacking allocates little, and what the batch keeps until its commit
  // (the text, the index entries, a few fields) is all that is freed after.
  packed.unpack_into(unpacked_);
  const run_record& r = unpacked_;
  describe(r, p);
  p.record.id = r.id;
  p.record.started_at = r.started_at;
  p.record.pid = r.pid;
  p.record.host = r.host;
}

void run_store::id_taken(const std::string& id) const {
  throw usage_error("the run id '" + id + "' already names another run in the store at " + env_.path(),
                    "an explicit consist::run_id was reused, or two runs drew the same random id",
                    "pass a run id not used before, or let consist draw one (it retries on a collision)");
}

bool run_store::put_run(lmdb::txn& t, const prepared& p, id_use use) {
  const auto& r = p.record;
  std::optional<detail::run_index_entries> old;
  if (const auto previous = t.insert(db_.runs, r.id, p.text)) {  // the usual new id is put at once
    if (use == id_use::new_run) return false;
    const auto before = parsed(r.id, *previous, false);
    if (!same_run(*before, r)) return false;
    old = detail::index_entries_of(*before);
    t.put(db_.runs, r.id, p.text);
  }
  detail::replace_index_entries(t, db_, old ? &*old : nullptr, p.indexes);
  for (const auto& [id, text] : p.artifacts) t.put(db_.artifacts, id, text);
  // Without an entry to write, only a run that was in the store can have one
  // to withdraw: a new run (a cache hit's record, a run that starts) needs no lookup.
  if (!p.signature || (p.entry_bytes.empty() && !old)) return true;
  const auto key = signature_key(*p.signature);
  const auto current = t.get(db_.signature_index, key);
  if (!p.entry_bytes.empty()) {
    const auto mine = layout::cache_entry_created_at(p.entry_bytes, "a new cache entry");
    if (!current || layout::cache_entry_created_at(*current, "a signature index entry") <= mine)
      t.put(db_.signature_index, key, p.entry_bytes);
  } else if (current && layout::decode_cache_entry(*current, "a signature index entry").run_id == r.id) {
    t.del(db_.signature_index, key);  // a run that is no longer completed is no candidate
  }
  return true;
}

std::string run_store::redrawn_id(const std::string& id) {
  const auto cut = id.rfind('_');
  const std::string_view name = cut == std::string::npos ? std::string_view(id) : std::string_view(id).substr(0, cut);
  return detail::make_run_id(name, detail::run_id_draw::after_collision);
}

void run_store::write_queued(std::vector<queued>& batch) {
  std::vector<prepared> owned, starts;  // the runs not staged before, prepared now
  owned.reserve(batch.size());           // a prepared run is large: no moves while the batch is gathered
  std::vector<prepared*> runs;           // every run of the batch, in order (staged ones where they are)
  runs.reserve(batch.size());
  std::vector<std::string> taken;  // ids of the start_run records this batch writes
  std::map<std::string, std::pair<std::uint64_t, timestamp>> hits;
  // However the transaction ends, the starts taken are no longer pending.
  struct release {
    run_store& s;
    const std::vector<std::string>& ids;
    ~release() {
      std::lock_guard lock(s.starts_m_);
      for (const auto& id : ids) s.starts_.erase(id);
    }
  } released{*this, taken};
  std::vector<run_record*> to_start;
  {
    std::lock_guard lock(starts_m_);
    for (auto& item : batch)
      if (auto* s = std::get_if<started>(&item)) {
        const auto it = starts_.find(s->record.id);
        if (it == starts_.end()) continue;  // withdrawn: its run was committed first
        it->second = start_state::writing;
        taken.push_back(s->record.id);
        to_start.push_back(&s->record);
      }
  }
  for (auto* r : to_start) starts.push_back(prepare({std::move(*r), std::nullopt, {}}));
  for (auto& item : batch) {
    if (auto* r = std::get_if<run_record>(&item)) {
      runs.push_back(&owned.emplace_back(prepare({std::move(*r), std::nullopt, {}})));
    } else if (auto* packed = std::get_if<detail::packed_record>(&item)) {
      runs.push_back(&owned.emplace_back());
      prepare_packed(*packed, *runs.back());
      runs.back()->source = packed;
    } else if (auto* done = std::get_if<staged>(&item)) {
      runs.push_back(done->ready.get());
      runs.back()->source = &done->packed;
    } else if (auto* h = std::get_if<hit>(&item)) {
      auto& [count, last] = hits[h->run_id];
      ++count;
      last = std::max(last, h->when);
    }
  }
  if (runs.empty() && hits.empty() && starts.empty()) return;
  // Running records alone are written as begin_run writes them: not fsynced
  // now, but soon by the syncer (unless a durable commit comes first).
  const bool deferred = runs.empty() && hits.empty();
  const bool wrote_start = env_.write(
      [&](lmdb::txn& t) {
        bool any = false;
        // false: the run was committed first, or another process holds the
        // id (then its commit_run is refused): nothing to write either way.
        for (const auto& p : starts) any = put_run(t, p, id_use::new_run) || any;
        write_hit_records(t, runs, hits);
        return any;
      },
      deferred ? lmdb::commit_sync::deferred : lmdb::commit_sync::per_env);
  if (deferred && wrote_start && options_.durability == durability::sync) {
    deferred_mark_ = env_.durable_commits();
    queue_->request_sync();
  }
}

void run_store::stage_queued(queued& item) const {
  // Only a packed record: unpacking leaves it whole, so a throw loses nothing.
  if (auto* packed = std::get_if<detail::packed_record>(&item)) {
    auto ready = std::make_unique<prepared>();
    prepare_packed(*packed, *ready);
    item.emplace<staged>(staged{std::move(ready), std::move(*packed)});
  }
}

void run_store::write_hit_records(lmdb::txn& t, const std::vector<prepared*>& runs,
                                  const std::map<std::string, std::pair<std::uint64_t, timestamp>>& hits) {
  for (prepared* run : runs) {
    prepared& p = *run;
    while (!put_run(t, p, id_use::same_run)) {
      run_record moved = p.source ? p.source->unpack() : p.record;
      moved.id = redrawn_id(moved.id);
      p = prepare({std::move(moved), std::nullopt, {}});
    }
  }
  for (const auto& [id, counted] : hits) {
    auto [count, last] = counted;
    if (const auto v = t.get(db_.hit_counters, id)) {
      const auto [before, last_before] = layout::decode_hit_counter(*v, id);
      count += before;
      last = std::max(last, last_before);
    }
    t.put(db_.hit_counters, id, layout::encode_hit_counter(count, last));
  }
}

void run_store::open_or_create() {
  env_.write([&](lmdb::txn& t) {
    detail::require_consist_main_db(t, env_.path());
    db_ = *detail::open_store_dbis(t, true);
    namespace_uuid_ = detail::check_meta(t, db_, env_.path(), true);
  });
}

void run_store::open_existing() {
  auto t = env_.begin_read();
  detail::require_consist_main_db(t, env_.path());
  const auto dbs = detail::open_store_dbis(t, false);
  if (!dbs)
    throw integrity_error("the store at '" + env_.path() + "' lacks some of consist's databases",
                          "it was never fully created by consist, or was created by another program",
                          "open it once without read_only to create it, or use another directory");
  db_ = *dbs;
  namespace_uuid_ = detail::check_meta(t, db_, env_.path(), false);
  t.commit();  // makes the database handles usable by later transactions
}

}  // namespace consist::inline v0
