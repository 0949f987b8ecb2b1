#pragma once
// run_store: the LMDB store of run records, artifacts, links, indexes and the
// signature index a cache hit reads. Open it once per process and path
// (run_store::open shares the instance) and use it from any thread; several
// processes may use one store at a time (LMDB serialises their writers).
//
// Writes: begin_run, start_run and add_run (not fsynced: see there), commit_run (one
// transaction, durable per store_options::durability), and the group-commit
// queue for running records, cache-hit records and hit counters (start_run /
// enqueue / count_hit / flush).
// Reads: find_cached (the hot path of a hit) and queries over the indexes.

#include <consist/detail/config.hpp>
#include <consist/detail/hex.hpp>
#include <consist/detail/packed_record.hpp>
#include <consist/detail/record_cache.hpp>
#include <consist/detail/run_indexes.hpp>
#include <consist/detail/uuid.hpp>
#include <consist/error.hpp>
#include <consist/record.hpp>
#include <consist/store/layout.hpp>
#include <consist/store/lmdb.hpp>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace consist::inline v0 {

namespace detail {
template <class Item>
class group_commit;  // <consist/store/group_commit.hpp>: the background writer, used by the bodies only
class spare_files;   // <consist/detail/snapshot_file.hpp>: snapshot files made ahead, used by the bodies only
}  // namespace detail

struct store_options {
  std::filesystem::path path;
  consist::durability durability = durability::sync;
  std::size_t initial_map_size = std::size_t{16} << 20;  // only used when creating; the map grows on demand
  bool read_only = false;
  std::size_t hit_queue_capacity = 4096;  // enqueue/count_hit wait while this many items are queued
};

/// Filters of find_runs; unset ones match everything.
struct run_query {
  std::optional<std::string> model, tag, parent;
  std::optional<run_status> status;
  std::optional<std::int64_t> year, iteration;
  std::size_t limit = 0;  // 0: all
};

/// One run to commit: the record, its cache entry (completed runs) and the artifacts it introduces.
struct run_commit {
  run_record record;
  std::optional<cache_entry> entry;
  std::vector<artifact> artifacts;
};

class run_store {
  struct token {};

 public:
  /// The store at options.path, opened now or the instance this process already has
  /// (not one its parent opened before fork(): a child opens its own).
  /// A second open with different durability, read_only or hit_queue_capacity is a usage_error.
  CONSIST_DECL static std::shared_ptr<run_store> open(const store_options& options);

  CONSIST_DECL run_store(token, const store_options& options);
  run_store(const run_store&) = delete;
  run_store& operator=(const run_store&) = delete;
  CONSIST_DECL ~run_store();  // the queue (declared last) drains and joins first (not in a child of fork())

  const std::filesystem::path& path() const noexcept { return options_.path; }
  const std::string& namespace_uuid() const noexcept { return namespace_uuid_; }
  const store_options& options() const noexcept { return options_; }
  const lmdb::env& environment() const noexcept { return env_; }
  /// Whether this process is a child of fork() of the one that opened this
  /// instance: it must not be used here (every use is a usage_error), and
  /// run_store::open gives the child an instance of its own.
  bool opened_by_parent() const noexcept { return env_.opened_by_parent(); }

  // ---- the hot path ---------------------------------------------------------

  /// The cache entry of the newest completed run with this signature: one get
  /// in this thread's cached read transaction.
  CONSIST_DECL std::optional<cache_entry> find_cached(const signature_digest& signature) const;

  /// The same into `out`, reusing its buffers (no allocation once they are
  /// large enough: for callers that look up in a loop). False on a miss.
  CONSIST_DECL bool find_cached(const signature_digest& signature, cache_entry& out) const;

  // ---- writes ---------------------------------------------------------------

  /// Writes the record of a run that starts (status running), so a crash
  /// leaves a `running` record behind. Not fsynced, even with durability
  /// sync: a crash of the process keeps the commit (the pages are in the OS
  /// page cache), and only a power loss before the next durable commit could
  /// lose it, which costs a `running` record, never a result. The background
  /// writer fsyncs shortly afterwards (unless a durable commit did meanwhile),
  /// off the caller's path, so that window stays short.
  void begin_run(const run_record& record) {
    if (!try_begin_run(record)) id_taken(record.id);
  }

  /// begin_run, but false (and nothing written) when the id already names a
  /// run in the store: the caller draws another id and tries again. Two
  /// processes that draw one id cannot overwrite each other's record.
  CONSIST_DECL bool try_begin_run(const run_record& record);

  /// begin_run through the background writer: the caller does not wait for a
  /// write. The writer commits the `running` record with its next batch (after
  /// lingering about 2 ms for more items), not fsynced either, as begin_run.
  /// A commit_run of the run before then withdraws it, so a step that ends
  /// that quickly leaves only its final record and its commit carries no
  /// pages of a record it replaces. The id is checked now: false (nothing
  /// queued) when it names a run in the store or one started here and not
  /// yet committed. (Should another process store a run under the id
  /// meanwhile, the commit_run is refused as for begin_run.)
  CONSIST_DECL bool try_start_run(const run_record& record);

  /// try_start_run, with a taken id a usage_error.
  void start_run(const run_record& record) {
    if (!try_start_run(record)) id_taken(record.id);
  }

  /// Writes the record of a run that needs no commit_run (a cache hit whose
  /// id was given) now, in one transaction that also checks its id: false
  /// (nothing written) when the id names a run in the store or one started
  /// here and not yet committed. Not fsynced, as begin_run. Unlike enqueue,
  /// the id is never drawn again: a clash is the caller's to hear.
  CONSIST_DECL bool try_add_run(const run_record& record);

  /// try_add_run, with a taken id a usage_error.
  void add_run(const run_record& record) {
    if (!try_add_run(record)) id_taken(record.id);
  }

  /// Whether `id` names a run in the store or one started here (start_run)
  /// and not yet committed.
  CONSIST_DECL bool names_run(std::string_view id) const;

  /// The usage_error begin_run gives for a taken id, when `id` names a run (names_run).
  void require_new_id(const std::string& id) const {
    if (names_run(id)) id_taken(id);
  }

  /// Commits a run in one write transaction: the record, its links (both
  /// directions), the artifacts, children, tags and model_time entries, and,
  /// when the run completed and `entry` is given, its signature index entry
  /// (the newest completed run of a signature wins). Durable per durability
  /// when it returns. It replaces a stored record only of the same run (same
  /// started_at, pid and host: the one begin_run or start_run wrote); a
  /// record of another run under that id is a usage_error, and nothing is
  /// written. A start_run record of the run still queued is withdrawn.
  /// Returns the record's text as stored (record_to_text(record)), from which
  /// a snapshot of the run is made without writing the record again.
  CONSIST_DECL std::string commit_run(const run_record& record, const cache_entry* entry,
                                      std::span<const artifact> artifacts);

  /// Commits many runs in one write transaction (imports, rebuilds).
  CONSIST_DECL void commit_runs(std::span<const run_commit> runs);

  /// Queues a cache-hit record for the background writer (written in batches,
  /// one transaction each). A later record of the same run replaces an earlier
  /// one; should the id name another run, the writer stores the record under
  /// a freshly drawn suffix instead (a hit record is a leaf: nothing links to
  /// it), so this is for drawn ids: a record whose id was given goes through
  /// add_run. Waits while the queue holds hit_queue_capacity items. Rethrows an
  /// earlier background error. A record passed by reference is packed into
  /// one block (detail/packed_record.hpp); one passed as an rvalue is moved.
  CONSIST_DECL void enqueue(const run_record& record);
  CONSIST_DECL void enqueue(run_record&& record);

  /// Counts one reuse of run_id at `when` (record_hits = count), through the queue.
  CONSIST_DECL void count_hit(std::string_view run_id, timestamp when);

  /// Returns when everything queued before the call is committed (durable
  /// per durability); rethrows a background error. No-op when read-only.
  CONSIST_DECL void flush();

  // ---- reads ----------------------------------------------------------------

  CONSIST_DECL std::optional<run_record> get_run(std::string_view id) const;

  /// Runs matching every filter, newest (created_at) first. Uses the children
  /// index for parent, tags for tag, model_time for model (in that order).
  CONSIST_DECL std::vector<run_record> find_runs(const run_query& q) const;

  /// find_runs and get_run without copies: the records are shared with the
  /// store's cache of recently written and parsed records (a bounded cache
  /// whose record is used only while the stored text is byte for byte the one
  /// it was parsed from), and the ones parsed here join it. For callers that
  /// look at the same recent runs again and again, as the explanation of
  /// every miss does.
  CONSIST_DECL std::vector<std::shared_ptr<const run_record>> find_shared(const run_query& q) const;
  CONSIST_DECL std::shared_ptr<const run_record> get_shared(std::string_view id) const;

  /// The newest run of `model` with `status`.
  CONSIST_DECL std::optional<run_record> find_latest_run(std::string_view model, run_status status) const;

  CONSIST_DECL std::optional<artifact> get_artifact(std::string_view id) const;

  /// The artifacts a run used, by direction then key.
  CONSIST_DECL std::vector<artifact_link> links_of_run(std::string_view run_id) const;

  /// The runs that used an artifact, by direction then run id.
  CONSIST_DECL std::vector<artifact_link> links_of_artifact(std::string_view artifact_id) const;

  /// (count, last used) of a run reused with record_hits = count.
  CONSIST_DECL std::optional<std::pair<std::uint64_t, timestamp>> hit_counter(std::string_view run_id) const;

  CONSIST_DECL std::size_t run_count() const;

  /// Files made ahead for the snapshots of the runs recorded through this
  /// store (detail/snapshot_file.hpp); nullptr for a read-only store.
  detail::spare_files* snapshot_spares() const noexcept { return spares_.get(); }

 private:
  /// enqueue's body: checks the record, then queues an Item made from it.
  template <class Item, class Record>
  void enqueue_record(Record&& record);

  struct hit {
    std::string run_id;
    timestamp when;
  };
  /// A running record queued by start_run.
  struct started {
    run_record record;
  };
  /// A run serialised outside the write transaction, so the writer lock is
  /// held only for the puts (and a retry after growth reuses the bytes).
  struct prepared {
    // A hit record prepared from its packed form holds here only what
    // put_run reads (id, started_at, pid, host): the rest is in `source`.
    run_record record;
    const detail::packed_record* source = nullptr;  // set while its batch is written
    std::string text;
    std::string entry_bytes;  // empty: no signature index entry
    std::optional<signature_digest> signature;
    std::vector<std::pair<std::string, std::string>> artifacts;  // id, JSON text
    detail::run_index_entries indexes;
  };

  /// A packed record the writer prepared while it waited for its batch to
  /// fill (stage_queued). The packed block is kept until the batch is
  /// written: it was allocated by the thread that queued it, and freeing it
  /// there while that thread still runs hits would make the two threads
  /// contend for that thread's heap.
  /// The prepared run is held by pointer: the item moves with the batch
  /// vector, and a prepared run is large to move.
  struct staged {
    std::unique_ptr<prepared> ready;
    detail::packed_record packed;
  };
  /// What the writer's queue holds: a record (moved in, or packed), a hit
  /// to count, a running record, or a staged record.
  using queued = std::variant<run_record, detail::packed_record, hit, started, staged>;

  /// Where a start_run record is: queued, or taken by the writer's current
  /// batch (then it is written, or skipped when its run committed first).
  enum class start_state : std::uint8_t { queued, writing };

  /// Writes a prepared run now if its id is free (try_begin_run, try_add_run).
  CONSIST_DECL bool put_now(prepared&& p);

  /// Whether start_run queued a record of `id` not yet committed or withdrawn.
  CONSIST_DECL bool started_here(std::string_view id) const;

  /// Withdraws the queued start_run record of `id`, if any (commit_run).
  CONSIST_DECL void withdraw_start(const std::string& id);

  CONSIST_DECL static lmdb::env_options env_options_for(const store_options& o);

  struct store_registry {
    std::mutex m;
    std::map<std::string, std::weak_ptr<run_store>> stores;
  };
  CONSIST_DECL static store_registry& registry();

  CONSIST_DECL void require_same_options(const store_options& o) const;

  layout::signature_key signature_key(const signature_digest& s) const noexcept {
    return {s, db_.signatures_in_main};
  }
  CONSIST_DECL std::string record_source(std::string_view id) const;
  [[noreturn]] CONSIST_DECL void dangling_index(std::string_view what) const;

  CONSIST_DECL static bool matches(const run_query& q, const run_record& r);

  /// The record stored as `text` under `id`: from the cache of recent
  /// records when it holds this exact text, else parsed (and, with
  /// `remember`, kept there).
  CONSIST_DECL std::shared_ptr<const run_record> parsed(std::string_view id, std::string_view text,
                                                        bool remember) const;

  /// The same as a copy of its own, never remembered (find_runs, get_run).
  CONSIST_DECL run_record copied(std::string_view id, std::string_view text) const;

  /// The runs matching q, as find_runs orders and limits them; `load(id,
  /// text)` makes each element (a run_record or a shared pointer to one).
  template <class Rec, class Load>
  std::vector<Rec> query_runs(const run_query& q, Load load) const;

  template <class Make>
  std::vector<artifact_link> links(lmdb::dbi db, std::string_view first, Make make) const {
    return env_.read([&](const lmdb::txn& t) {
      std::vector<artifact_link> out;
      const auto prefix = layout::prefix_of(first);
      t.with_cursor(db, [&](lmdb::cursor& c) {
        detail::scan_prefix(c, prefix, [&](const lmdb::cursor::entry& e) {
          const auto k = layout::split_link_key(e.first);
          if (!k) dangling_index(e.first);
          out.push_back(make(*k, e.second));
          return true;
        });
      });
      return out;
    });
  }

  /// What prepare() and prepare_packed() both take from a record: its names
  /// checked (usage_error), its signature, its text and its index entries.
  CONSIST_DECL static void describe(const run_record& r, prepared& p);

  CONSIST_DECL prepared prepare(run_commit c) const;

  /// prepare() of a packed hit record into `p` (a default one), unpacked into
  /// unpacked_ (the writer's thread only), with a record that keeps only what
  /// put_run reads.
  CONSIST_DECL void prepare_packed(const detail::packed_record& packed, prepared& p) const;

  /// Keeps a record just written (the text it was stored as) in recent_.
  CONSIST_DECL void remember(prepared&& p) const;

  /// new_run: the id must be free; same_run: it may hold this run's earlier record.
  enum class id_use { new_run, same_run };

  static bool same_run(const run_record& a, const run_record& b) {
    return a.started_at == b.started_at && a.pid == b.pid && a.host == b.host;
  }

  [[noreturn]] CONSIST_DECL void id_taken(const std::string& id) const;

  /// Writes the run and its index entries; false (nothing written) when its
  /// id names a run that `use` does not allow replacing.
  CONSIST_DECL bool put_run(lmdb::txn& t, const prepared& p, id_use use);

  /// The id with its suffix drawn again, from a new random start ("<name>_<8 hex>" keeps <name>).
  CONSIST_DECL static std::string redrawn_id(const std::string& id);

  CONSIST_DECL void write_queued(std::vector<queued>& batch);
  /// Prepares a packed hit record in its queue slot, on the writer's thread
  /// before the batch is written; leaves it packed if that throws.
  CONSIST_DECL void stage_queued(queued& item) const;

  /// write_queued's cache-hit records (a taken id is drawn again) and hit counters.
  CONSIST_DECL void write_hit_records(lmdb::txn& t, const std::vector<prepared*>& runs,
                                      const std::map<std::string, std::pair<std::uint64_t, timestamp>>& hits);

  CONSIST_DECL void open_or_create();

  CONSIST_DECL void open_existing();

  store_options options_;
  lmdb::env env_;
  detail::store_dbis db_;
  std::string namespace_uuid_;
  std::atomic<std::uint64_t> deferred_mark_{0};  // durable_commits() just after the last deferred commit
  mutable detail::record_cache recent_{512};     // records written or parsed lately, see parsed()
  mutable std::mutex starts_m_;
  std::map<std::string, start_state, std::less<>> starts_;  // start_run records not yet written or withdrawn
  std::unique_ptr<detail::spare_files> spares_;  // null when read-only
  mutable run_record unpacked_;  // the writer's: packed hit records are unpacked here (prepare_packed)
  std::unique_ptr<detail::group_commit<queued>> queue_;  // last: drained and joined first
};

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/store/impl/store.ipp>
#endif
