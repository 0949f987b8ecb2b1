#pragma once
// Body of <consist/detail/lmdb_core.hpp>.

#include <consist/detail/lmdb_core.hpp>

#include <unistd.h>

#include <algorithm>
#include <map>

namespace consist::inline v0::detail {

growth_gate::growth_gate() {
  pthread_rwlockattr_t attr;
  pthread_rwlockattr_init(&attr);
  pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
  pthread_rwlock_init(&lock_, &attr);
  pthread_rwlockattr_destroy(&attr);
}

/// The environments in which the calling thread holds an active transaction.
inline std::vector<const env_core*>& active_txns() noexcept {
  thread_local std::vector<const env_core*> envs;
  return envs;
}

/// LMDB breaks its own locking when one process opens an environment twice
/// (closing either handle drops the other's fcntl locks), so we refuse it.
struct open_paths {
  std::mutex m;
  std::map<std::string, std::uint64_t> paths;  // path -> the fork generation that opened it
  static open_paths& instance() {
    static open_paths p;
    return p;
  }
};

reader_slot::~reader_slot() {
  if (forked_since(registry->generation)) return;  // the parent's reader slot: not this process's to end
  std::lock_guard lock(registry->m);
  if (registry->closed) return;
  if (handle) ::mdb_txn_abort(handle);
  std::erase(registry->slots, this);
}

void reader_registry::close() noexcept {
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

std::uint64_t next_env_id() noexcept {
  static std::atomic<std::uint64_t> counter{0};
  return ++counter;
}

env_core::~env_core() {
  // In a child of fork() the environment is the parent's: closing it would
  // release the parent's reader slots and this process's locks on the store
  // (also those of the environment the child opened itself). It is left as it is.
  if (forked_since(generation)) return;
  readers->close();
  if (handle) ::mdb_env_close(handle);
  if (registered) {
    auto& reg = open_paths::instance();
    std::lock_guard lock(reg.m);
    reg.paths.erase(path);
  }
}

void env_core::register_path() {
  auto& reg = open_paths::instance();
  std::lock_guard lock(reg.m);
  const auto [it, added] = reg.paths.try_emplace(path, generation);
  if (!added && it->second != generation) {
    it->second = generation;  // opened by the parent before fork(): this process opens its own
  } else if (!added) {
    throw usage_error("the store at '" + path + "' is already open in this process",
                      "LMDB forbids opening one environment twice in a process: closing either handle "
                      "would silently drop the other's locks",
                      "share one handle between threads (run_store::open returns the open instance)");
  }
  registered = true;
}

void env_core::opened_by_parent() const {
  throw usage_error("the store at '" + path + "' was opened by the parent of this process, before fork()",
                    "LMDB forbids using an environment in a child of fork(), and the store's background "
                    "writer does not run in the child",
                    "open the store in the child (a consist::tracker of its own, or run_store::open): "
                    "the child then gets an instance of its own");
}

void env_core::require_writable(std::string_view what) const {
  if (read_only)
    throw store_error("cannot " + std::string(what) + ": the store at '" + path + "' was opened read-only",
                      "the store was opened with read_only = true (e.g. for queries, or without write "
                      "permission on its directory)",
                      "open the store without read_only, from a user who may write its directory");
}

void env_core::ensure_idle(std::string_view what) const {
  const auto& act = active_txns();
  if (std::find(act.begin(), act.end(), this) != act.end())
    throw usage_error("cannot " + std::string(what) + " on the store at '" + path +
                          "': this thread already holds a transaction there",
                      "transactions on one store were nested in one thread (e.g. a read inside a write "
                      "callback); growing the map would then deadlock",
                      "finish the first transaction first, or do the work through the transaction you hold");
}

void env_core::enter(std::string_view what) const {
  ensure_idle(what);
  active_txns().push_back(this);
}

void env_core::leave() const noexcept {
  auto& act = active_txns();
  if (auto it = std::find(act.begin(), act.end(), this); it != act.end()) act.erase(it);
}

void env_core::start(MDB_txn*& h, unsigned flags) {
  require_own_process();
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

void env_core::adopt_foreign_growth() {
  std::lock_guard g(gate);
  check(::mdb_env_set_mapsize(handle, 0), "mdb_env_set_mapsize(adopt)");
}

void env_core::grow(unsigned attempt) {
  if (attempt >= 40)
    fail(MDB_MAP_FULL, "mdb_env_set_mapsize(grow)");
  std::lock_guard g(gate);
  MDB_envinfo info;
  check(::mdb_env_info(handle, &info), "mdb_env_info");
  check(::mdb_env_set_mapsize(handle, info.me_mapsize * 2), "mdb_env_set_mapsize(grow)");
}

std::size_t env_core::map_size() const {
  MDB_envinfo info;
  check(::mdb_env_info(handle, &info), "mdb_env_info");
  return info.me_mapsize;
}

reader_slot& env_core::thread_slot() {
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

nosync_scope::nosync_scope(env_core& c, bool on) : c_(c), on_(on) {
  if (on_) c_.check(::mdb_env_set_flags(c_.handle, MDB_NOSYNC, 1), "mdb_env_set_flags(MDB_NOSYNC)");
}

nosync_scope::~nosync_scope() {
  if (on_) ::mdb_env_set_flags(c_.handle, MDB_NOSYNC, 0);
}

}  // namespace consist::inline v0::detail
