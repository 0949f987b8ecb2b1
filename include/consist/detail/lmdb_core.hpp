#pragma once
// The shared state behind an lmdb::env: the MDB_env handle, the growth gate,
// the writer mutex, and the per-thread cached read transactions.
//
// Growth gate: mdb_env_set_mapsize remaps the file, so no transaction of this
// process may be active while it runs. Every active transaction holds the
// gate shared; growing (or adopting another process's growth) holds it
// exclusively. The gate prefers the grower, so a stream of readers cannot
// starve it, which is also why a thread may hold only one active transaction
// per environment: a second shared acquisition behind a waiting grower would
// deadlock. That rule is checked (usage_error), not left to chance.

#include <consist/detail/config.hpp>
#include <consist/detail/lmdb_error.hpp>
#include <consist/detail/process_info.hpp>
#include <consist/error.hpp>

#include <lmdb.h>
#include <pthread.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace consist::inline v0::detail {

/// A reader-writer lock that prefers the writer (glibc extension).
class growth_gate {
 public:
  CONSIST_DECL growth_gate();
  growth_gate(const growth_gate&) = delete;
  growth_gate& operator=(const growth_gate&) = delete;
  ~growth_gate() { pthread_rwlock_destroy(&lock_); }

  void lock_shared() noexcept { pthread_rwlock_rdlock(&lock_); }
  void unlock_shared() noexcept { pthread_rwlock_unlock(&lock_); }
  void lock() noexcept { pthread_rwlock_wrlock(&lock_); }
  void unlock() noexcept { pthread_rwlock_unlock(&lock_); }

 private:
  pthread_rwlock_t lock_;
};

struct reader_slot;

/// The cached read transactions of one environment, one per thread that read.
struct reader_registry {
  std::mutex m;
  bool closed = false;
  const std::uint64_t generation = watch_forks();  // in a child of fork() the slots are the parent's
  std::vector<reader_slot*> slots;
  CONSIST_DECL void close() noexcept;
};

/// One thread's cached read transaction: reset (no snapshot held) between
/// reads, renewed for the next. Owned by the thread; aborted by whichever
/// comes first, the thread's exit or the environment's close.
struct reader_slot {
  std::shared_ptr<reader_registry> registry;
  MDB_txn* handle = nullptr;

  explicit reader_slot(std::shared_ptr<reader_registry> r) : registry(std::move(r)) {}
  reader_slot(const reader_slot&) = delete;
  reader_slot& operator=(const reader_slot&) = delete;
  CONSIST_DECL ~reader_slot();
};

CONSIST_DECL std::uint64_t next_env_id() noexcept;

struct env_core {
  MDB_env* handle = nullptr;
  std::string path;  // canonical; named in every error
  bool read_only = false;
  bool sync_commits = true;  // false: the environment was opened with MDB_NOSYNC
  int fd = -1;
  std::size_t stale_readers_cleared = 0;
  std::atomic<std::uint64_t> durable_commits{0};  // fsynced commits (and syncs) by this process
  const std::uint64_t id = next_env_id();
  growth_gate gate;
  std::mutex writer;  // one write transaction of this process at a time; guards MDB_NOSYNC toggling
  std::shared_ptr<reader_registry> readers = std::make_shared<reader_registry>();
  bool registered = false;
  // A child of fork() must not use (nor close) the environment its parent
  // opened: it opens one of its own (see register_path).
  const std::uint64_t generation = watch_forks();

  env_core() = default;
  env_core(const env_core&) = delete;
  env_core& operator=(const env_core&) = delete;
  CONSIST_DECL ~env_core();

  [[noreturn]] void fail(int rc, std::string_view call) const { throw_lmdb_error(rc, call, path); }
  void check(int rc, std::string_view call) const {
    if (rc != 0) fail(rc, call);
  }

  CONSIST_DECL void register_path();

  /// A usage_error in a child of fork() of the process that opened this environment.
  void require_own_process() const {
    if (forked_since(generation)) [[unlikely]]
      opened_by_parent();
  }
  [[noreturn]] CONSIST_DECL void opened_by_parent() const;

  CONSIST_DECL void require_writable(std::string_view what) const;

  CONSIST_DECL void ensure_idle(std::string_view what) const;
  CONSIST_DECL void enter(std::string_view what) const;
  CONSIST_DECL void leave() const noexcept;

  /// Begins (h == nullptr) or renews (read only) a transaction with the gate
  /// held shared, adopting a map grown by another process on the way.
  CONSIST_DECL void start(MDB_txn*& h, unsigned flags);
  /// The end of an active transaction: releases what start() took.
  void finish() noexcept {
    gate.unlock_shared();
    leave();
  }

  CONSIST_DECL void adopt_foreign_growth();

  CONSIST_DECL void grow(unsigned attempt);

  CONSIST_DECL std::size_t map_size() const;

  /// This thread's cached read transaction for this environment.
  CONSIST_DECL reader_slot& thread_slot();
};

/// Turns MDB_NOSYNC on for one commit of a sync environment (with the writer
/// mutex held, so no other thread of this process is committing meanwhile).
class nosync_scope {
 public:
  CONSIST_DECL nosync_scope(env_core& c, bool on);
  nosync_scope(const nosync_scope&) = delete;
  nosync_scope& operator=(const nosync_scope&) = delete;
  CONSIST_DECL ~nosync_scope();

 private:
  env_core& c_;
  bool on_;
};

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/lmdb_core.ipp>
#endif
