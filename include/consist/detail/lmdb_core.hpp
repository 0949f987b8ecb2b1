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

#include <consist/detail/lmdb_error.hpp>
#include <consist/error.hpp>

#include <lmdb.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace consist::inline v0::detail {

/// A reader-writer lock that prefers the writer (glibc extension).
class growth_gate {
 public:
  growth_gate() {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&lock_, &attr);
    pthread_rwlockattr_destroy(&attr);
  }
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

struct env_core;

/// The environments in which the calling thread holds an active transaction.
inline std::vector<const env_core*>& active_txns() noexcept {
  thread_local std::vector<const env_core*> envs;
  return envs;
}

/// LMDB breaks its own locking when one process opens an environment twice
/// (closing either handle drops the other's fcntl locks), so we refuse it.
struct open_paths {
  std::mutex m;
  std::set<std::string> paths;
  static open_paths& instance() {
    static open_paths p;
    return p;
  }
};

struct reader_slot;

/// The cached read transactions of one environment, one per thread that read.
struct reader_registry {
  std::mutex m;
  bool closed = false;
  std::vector<reader_slot*> slots;
  void close() noexcept;
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
  ~reader_slot() {
    std::lock_guard lock(registry->m);
    if (registry->closed) return;
    if (handle) ::mdb_txn_abort(handle);
    std::erase(registry->slots, this);
  }
};

inline void reader_registry::close() noexcept {
  std::lock_guard lock(m);
  closed = true;
  for (reader_slot* s : slots) {
    if (s->handle) ::mdb_txn_abort(s->handle);
    s->handle = nullptr;
  }
  slots.clear();
}

struct thread_reader_entry {
  std::uint64_t env_id;
  std::unique_ptr<reader_slot> slot;
};

inline std::vector<thread_reader_entry>& thread_readers() noexcept {
  thread_local std::vector<thread_reader_entry> entries;
  return entries;
}

inline std::uint64_t next_env_id() noexcept {
  static std::atomic<std::uint64_t> counter{0};
  return ++counter;
}

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

  env_core() = default;
  env_core(const env_core&) = delete;
  env_core& operator=(const env_core&) = delete;
  ~env_core() {
    readers->close();
    if (handle) ::mdb_env_close(handle);
    if (registered) {
      auto& reg = open_paths::instance();
      std::lock_guard lock(reg.m);
      reg.paths.erase(path);
    }
  }

  [[noreturn]] void fail(int rc, std::string_view call) const { throw_lmdb_error(rc, call, path); }
  void check(int rc, std::string_view call) const {
    if (rc != 0) fail(rc, call);
  }

  void register_path() {
    auto& reg = open_paths::instance();
    std::lock_guard lock(reg.m);
    if (!reg.paths.insert(path).second)
      throw usage_error("the store at '" + path + "' is already open in this process",
                        "LMDB forbids opening one environment twice in a process: closing either handle "
                        "would silently drop the other's locks",
                        "share one handle between threads (run_store::open returns the open instance)");
    registered = true;
  }

  void require_writable(std::string_view what) const {
    if (read_only)
      throw store_error("cannot " + std::string(what) + ": the store at '" + path + "' was opened read-only",
                        "the store was opened with read_only = true (e.g. for queries, or without write "
                        "permission on its directory)",
                        "open the store without read_only, from a user who may write its directory");
  }

  void ensure_idle(std::string_view what) const {
    const auto& act = active_txns();
    if (std::find(act.begin(), act.end(), this) != act.end())
      throw usage_error("cannot " + std::string(what) + " on the store at '" + path +
                            "': this thread already holds a transaction there",
                        "transactions on one store were nested in one thread (e.g. a read inside a write "
                        "callback); growing the map would then deadlock",
                        "finish the first transaction first, or do the work through the transaction you hold");
  }
  void enter(std::string_view what) const {
    ensure_idle(what);
    active_txns().push_back(this);
  }
  void leave() const noexcept {
    auto& act = active_txns();
    if (auto it = std::find(act.begin(), act.end(), this); it != act.end()) act.erase(it);
  }

  /// Begins (h == nullptr) or renews (read only) a transaction with the gate
  /// held shared, adopting a map grown by another process on the way.
  void start(MDB_txn*& h, unsigned flags) {
    enter(flags & MDB_RDONLY ? "begin a read transaction" : "begin a write transaction");
    for (unsigned attempt = 0;; ++attempt) {
      gate.lock_shared();
      const bool renew = h != nullptr;
      const int rc = renew ? ::mdb_txn_renew(h) : ::mdb_txn_begin(handle, nullptr, flags, &h);
      if (rc == 0) return;
      gate.unlock_shared();
      if (rc == MDB_MAP_RESIZED && attempt < 8) {
        adopt_foreign_growth();
        continue;
      }
      leave();
      fail(rc, renew ? "mdb_txn_renew" : (flags & MDB_RDONLY ? "mdb_txn_begin(read)" : "mdb_txn_begin(write)"));
    }
  }
  /// The end of an active transaction: releases what start() took.
  void finish() noexcept {
    gate.unlock_shared();
    leave();
  }

  void adopt_foreign_growth() {
    std::lock_guard g(gate);
    check(::mdb_env_set_mapsize(handle, 0), "mdb_env_set_mapsize(adopt)");
  }

  void grow(unsigned attempt) {
    if (attempt >= 40)
      fail(MDB_MAP_FULL, "mdb_env_set_mapsize(grow)");
    std::lock_guard g(gate);
    MDB_envinfo info;
    check(::mdb_env_info(handle, &info), "mdb_env_info");
    check(::mdb_env_set_mapsize(handle, info.me_mapsize * 2), "mdb_env_set_mapsize(grow)");
  }

  std::size_t map_size() const {
    MDB_envinfo info;
    check(::mdb_env_info(handle, &info), "mdb_env_info");
    return info.me_mapsize;
  }

  /// This thread's cached read transaction for this environment.
  reader_slot& thread_slot() {
    auto& entries = thread_readers();
    for (auto& e : entries)
      if (e.env_id == id) return *e.slot;
    // Slow path, once per thread and environment: forget slots of closed
    // environments, then register a new one.
    std::erase_if(entries, [](const thread_reader_entry& e) {
      std::lock_guard lock(e.slot->registry->m);
      return e.slot->registry->closed;
    });
    auto slot = std::make_unique<reader_slot>(readers);
    {
      std::lock_guard lock(readers->m);
      readers->slots.push_back(slot.get());
    }
    entries.push_back({id, std::move(slot)});
    return *entries.back().slot;
  }
};

/// Turns MDB_NOSYNC on for one commit of a sync environment (with the writer
/// mutex held, so no other thread of this process is committing meanwhile).
class nosync_scope {
 public:
  nosync_scope(env_core& c, bool on) : c_(c), on_(on) {
    if (on_) c_.check(::mdb_env_set_flags(c_.handle, MDB_NOSYNC, 1), "mdb_env_set_flags(MDB_NOSYNC)");
  }
  nosync_scope(const nosync_scope&) = delete;
  nosync_scope& operator=(const nosync_scope&) = delete;
  ~nosync_scope() {
    if (on_) ::mdb_env_set_flags(c_.handle, MDB_NOSYNC, 0);
  }

 private:
  env_core& c_;
  bool on_;
};

}  // namespace consist::inline v0::detail
