#pragma once
// RAII over LMDB: env, txn, dbi and cursor.
//
// - env: move-only; opened with MDB_NOTLS so read transactions are not tied
//   to threads and can be cached per thread; clears stale readers on open.
//   Reads are `env.read(fn)` (fn gets a const txn& on this thread's cached
//   read transaction) and writes are `env.write(fn)`: on MDB_MAP_FULL the
//   transaction is aborted, the map doubled, and fn run again from the start,
//   so a write is a function retried as a unit (fn must not have effects
//   outside the transaction that a retry would repeat). A map grown by
//   another process is adopted (MDB_MAP_RESIZED).
// - txn: move-only; aborts in its destructor unless committed. A standalone
//   read txn (env.begin_read()) can be reset and renewed. An active
//   transaction belongs to the thread that began or renewed it; a reset one
//   may be renewed on another thread. One active transaction per thread and
//   environment (see detail/lmdb_core.hpp for why; checked).
// - dbi: a plain handle, deliberately not closing: LMDB owns named-database
//   handles until the environment closes, and mdb_dbi_close while another
//   transaction uses the handle is the documented hazard.
// - cursor: exists only inside txn::with_cursor(dbi, fn) and cannot be
//   copied or moved out, so it cannot outlive its transaction.
// Every failure becomes a consist::store_error (integrity_error for damaged
// or foreign files) naming the LMDB call and the store path.

#include <consist/detail/config.hpp>
#include <consist/detail/lmdb_core.hpp>
#include <consist/error.hpp>

#include <lmdb.h>

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace consist::inline v0 {

/// When a committed transaction reaches the disk.
enum class durability : std::uint8_t {
  sync,    ///< fsync at every durable commit: survives a power loss
  nosync,  ///< MDB_NOSYNC: survives a crash of the process, not a power loss or kernel panic
};

}  // namespace consist::inline v0

namespace consist::inline v0::lmdb {

struct env_options {
  std::size_t map_size = std::size_t{16} << 20;  // initial; grows on demand
  unsigned max_dbs = 16;
  // Each thread that reads holds a slot while it lives (64 bytes of the lock
  // file each): room for a node's thread pools, where LMDB's default is 126.
  // A store's first opener sizes the table; later ones adopt its size.
  unsigned max_readers = 1024;
  bool read_only = false;
  consist::durability durability = durability::sync;
};

/// How one write commits. `deferred` skips the fsync even in a sync
/// environment: the pages reach the OS (a process crash keeps them) and the
/// next durable commit, or env::sync(), makes them durable.
enum class commit_sync : std::uint8_t { per_env, deferred };

/// A database handle (txn::main_db() or txn::open_dbi). See the file comment.
class dbi {
 public:
  constexpr dbi() noexcept = default;
  constexpr explicit dbi(MDB_dbi h) noexcept : h_(h) {}
  constexpr MDB_dbi handle() const noexcept { return h_; }

 private:
  MDB_dbi h_ = 0;
};

inline MDB_val to_val(std::string_view s) noexcept {
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}
inline std::string_view from_val(const MDB_val& v) noexcept {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}

class txn;

/// A cursor; only txn::with_cursor makes one. Views it returns point into the
/// map and are valid until the transaction ends or writes to that database.
class cursor {
 public:
  using entry = std::pair<std::string_view, std::string_view>;

  cursor(const cursor&) = delete;
  cursor& operator=(const cursor&) = delete;
  template <class C>
    requires std::same_as<std::remove_cvref_t<C>, cursor>
  cursor(C&&) {  // NOLINT: exists only to explain the error
    static_assert(never<C>,
                  "an lmdb::cursor cannot be copied or moved out of txn::with_cursor(dbi, fn): it would "
                  "outlive its transaction; copy the keys and values you need into strings instead");
  }
  CONSIST_DECL ~cursor();

  std::optional<entry> first() { return step(MDB_FIRST); }
  std::optional<entry> last() { return step(MDB_LAST); }
  std::optional<entry> next() { return step(MDB_NEXT); }
  std::optional<entry> prev() { return step(MDB_PREV); }
  /// The first entry whose key is >= key.
  std::optional<entry> seek(std::string_view key) { return step(MDB_SET_RANGE, key); }
  /// The entry with exactly this key.
  std::optional<entry> find(std::string_view key) { return step(MDB_SET_KEY, key); }
  /// Deletes the entry under the cursor (write transactions only).
  CONSIST_DECL void del();

 private:
  template <class>
  static constexpr bool never = false;
  friend class txn;
  cursor(MDB_cursor* h, const txn& t) noexcept : h_(h), t_(t) {}
  CONSIST_DECL std::optional<entry> step(MDB_cursor_op op, std::string_view key = {});

  MDB_cursor* h_;
  const txn& t_;
};

class txn {
 public:
  txn(txn&& o) noexcept { steal(o); }
  CONSIST_DECL txn& operator=(txn&& o) noexcept;
  txn(const txn&) = delete;
  txn& operator=(const txn&) = delete;
  ~txn() { end(); }

  bool read_only() const noexcept { return read_only_; }
  bool active() const noexcept { return state_ == state::active; }
  MDB_txn* handle() const noexcept { return h_; }
  /// Whether a call on this transaction failed with MDB_MAP_FULL.
  bool hit_map_full() const noexcept { return map_full_; }

  /// The value under key, a view valid until the transaction ends or writes.
  CONSIST_DECL std::optional<std::string_view> get(dbi db, std::string_view key) const;
  CONSIST_DECL void put(dbi db, std::string_view key, std::string_view value, unsigned flags = 0);
  /// Puts value under key unless key is there: nullopt when it was put,
  /// else the value already there (a view as get gives), left as it was.
  /// One search of the tree, where get then put would make two.
  CONSIST_DECL std::optional<std::string_view> insert(dbi db, std::string_view key, std::string_view value);
  /// Deletes key; false if it was not there.
  CONSIST_DECL bool del(dbi db, std::string_view key);
  CONSIST_DECL std::size_t entries(dbi db) const;
  /// Opens (create: and creates) a named database; nullopt if absent and !create.
  CONSIST_DECL std::optional<dbi> open_dbi(const char* name, bool create) const;
  /// The unnamed main database (it lists the named ones).
  dbi main_db() const { return *open_dbi(nullptr, false); }

  /// Runs fn(cursor&) on a cursor over db; the cursor ends with the call.
  template <class F>
  decltype(auto) with_cursor(dbi db, F&& fn) const {
    static_assert(std::is_invocable_v<F&, cursor&>, "txn::with_cursor(db, fn) requires fn(lmdb::cursor&)");
    MDB_cursor* h = nullptr;
    check(::mdb_cursor_open(h_, db.handle(), &h), "mdb_cursor_open");
    cursor c(h, *this);
    return std::invoke(fn, c);
  }

  CONSIST_DECL void commit();
  void abort() noexcept { end(); }

  /// Read transactions: drop the snapshot but keep the reader slot.
  CONSIST_DECL void reset();
  /// Read transactions: take a fresh snapshot after reset().
  CONSIST_DECL void renew();

  [[noreturn]] void fail(int rc, std::string_view call) const {
    if (rc == MDB_MAP_FULL) map_full_ = true;
    core_->fail(rc, call);
  }
  void check(int rc, std::string_view call) const {
    if (rc != 0) fail(rc, call);
  }

 private:
  friend class env;
  enum class state : std::uint8_t { active, reset, finished };

  CONSIST_DECL txn(::consist::detail::env_core* core, std::shared_ptr<::consist::detail::env_core> keep, MDB_txn* h,
                   bool read_only, bool owning) noexcept;

  CONSIST_DECL void require_active(const char* what) const;
  CONSIST_DECL void end() noexcept;
  CONSIST_DECL void steal(txn& o) noexcept;

  ::consist::detail::env_core* core_ = nullptr;
  std::shared_ptr<::consist::detail::env_core> keep_;  // a standalone txn keeps its env open
  MDB_txn* h_ = nullptr;
  bool read_only_ = true;
  bool owning_ = true;
  state state_ = state::active;
  mutable bool map_full_ = false;
};

class env {
 public:
  /// Opens (creating unless read-only) the environment in directory `dir`.
  CONSIST_DECL static env open(const std::filesystem::path& dir, const env_options& o);

  env(env&&) noexcept = default;
  env& operator=(env&&) noexcept = default;
  env(const env&) = delete;
  env& operator=(const env&) = delete;
  ~env() = default;

  const std::string& path() const noexcept { return core_->path; }
  bool read_only() const noexcept { return core_->read_only; }
  MDB_env* handle() const noexcept { return core_->handle; }
  std::size_t map_size() const { return core_->map_size(); }
  /// Throws the store_error for a write attempted on a read-only environment.
  void require_writable(std::string_view what) const { core_->require_writable(what); }
  /// Whether this process is a child of fork() of the one that opened the
  /// environment (then it must not be used here: open another).
  bool opened_by_parent() const noexcept { return ::consist::detail::forked_since(core_->generation); }
  /// A usage_error when opened_by_parent().
  void require_own_process() const { core_->require_own_process(); }
  /// Reader slots of dead processes cleared when this handle opened.
  std::size_t stale_readers_cleared() const noexcept { return core_->stale_readers_cleared; }

  /// Runs fn(const txn&) in this thread's cached read transaction.
  template <class F>
  auto read(F&& fn) const -> std::invoke_result_t<F&, const txn&> {
    static_assert(std::is_invocable_v<F&, const txn&>, "env::read(fn) requires fn(const lmdb::txn&)");
    ::consist::detail::env_core& c = *core_;
    ::consist::detail::reader_slot& slot = c.thread_slot();
    c.start(slot.handle, MDB_RDONLY);
    struct end_read {
      ::consist::detail::env_core& c;
      MDB_txn* h;
      ~end_read() {
        ::mdb_txn_reset(h);
        c.finish();
      }
    } guard{c, slot.handle};
    const txn view(&c, nullptr, slot.handle, true, false);
    return std::invoke(fn, view);
  }

  /// Runs fn(txn&) in a write transaction and commits it; see the file
  /// comment for the retry on a full map. `deferred` skips the fsync.
  template <class F>
  auto write(F&& fn, commit_sync mode = commit_sync::per_env) -> std::invoke_result_t<F&, txn&> {
    using result = std::invoke_result_t<F&, txn&>;
    static_assert(std::is_invocable_v<F&, txn&>, "env::write(fn) requires fn(lmdb::txn&)");
    static_assert(!std::is_reference_v<result>,
                  "env::write(fn): fn must return a value, not a reference into the transaction");
    ::consist::detail::env_core& c = *core_;
    c.require_writable("write");
    c.ensure_idle("begin a write transaction");  // before the mutex, which a nested write would deadlock on
    std::lock_guard lock(c.writer);
    ::consist::detail::nosync_scope quiet(c, mode == commit_sync::deferred && c.sync_commits);
    for (unsigned attempt = 0;; ++attempt) {
      {
        MDB_txn* h = nullptr;
        c.start(h, 0);
        txn t(&c, nullptr, h, false, true);
        try {
          if constexpr (std::is_void_v<result>) {
            std::invoke(fn, t);
            commit(c, t, mode);
            return;
          } else {
            result r = std::invoke(fn, t);
            commit(c, t, mode);
            return r;
          }
        } catch (...) {
          if (!t.hit_map_full()) throw;
        }
      }
      c.grow(attempt);
    }
  }

  /// A standalone read transaction (keeps the environment open while it lives).
  CONSIST_DECL txn begin_read() const;

  /// Makes every commit so far durable (fdatasync), whatever the durability.
  CONSIST_DECL void sync() const;
  /// How many fsynced commits (and sync() calls) this process made: a deferred
  /// commit is durable once this moved past its value after that commit.
  std::uint64_t durable_commits() const noexcept { return core_->durable_commits.load(); }

 private:
  env() = default;

  static void commit(::consist::detail::env_core& c, txn& t, commit_sync mode) {
    t.commit();
    if (c.sync_commits && mode == commit_sync::per_env) ++c.durable_commits;
  }

  CONSIST_DECL static std::string prepare_directory(const std::filesystem::path& dir, bool read_only);
  /// A data file shorter than its last committed page was truncated (a copy
  /// cut short, a full disk during a copy): reading the missing pages through
  /// the map would kill the process with SIGBUS, so refuse it here.
  CONSIST_DECL static void require_whole_file(const ::consist::detail::env_core& c);
  [[noreturn]] static void throw_errno(int err, std::string_view call, const std::string& path) {
    ::consist::detail::throw_lmdb_error(err, call, path);
  }

  std::shared_ptr<::consist::detail::env_core> core_;
};

}  // namespace consist::inline v0::lmdb

#if CONSIST_INCLUDE_IMPL
#include <consist/store/impl/lmdb.ipp>
#endif
