#pragma once
// Body of <consist/store/lmdb.hpp>.

#include <consist/store/lmdb.hpp>

#include <consist/detail/make_dirs.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace consist::inline v0::lmdb {

cursor::~cursor() { ::mdb_cursor_close(h_); }

txn& txn::operator=(txn&& o) noexcept {
  if (this != &o) {
    end();
    steal(o);
  }
  return *this;
}

std::optional<std::string_view> txn::get(dbi db, std::string_view key) const {
  MDB_val k = to_val(key), v{};
  const int rc = ::mdb_get(h_, db.handle(), &k, &v);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  check(rc, "mdb_get");
  return from_val(v);
}

void txn::put(dbi db, std::string_view key, std::string_view value, unsigned flags) {
  MDB_val k = to_val(key), v = to_val(value);
  check(::mdb_put(h_, db.handle(), &k, &v, flags), "mdb_put");
}

std::optional<std::string_view> txn::insert(dbi db, std::string_view key, std::string_view value) {
  MDB_val k = to_val(key), v = to_val(value);
  const int rc = ::mdb_put(h_, db.handle(), &k, &v, MDB_NOOVERWRITE);
  if (rc == MDB_KEYEXIST) return from_val(v);  // LMDB points v at the value there
  check(rc, "mdb_put");
  return std::nullopt;
}

bool txn::del(dbi db, std::string_view key) {
  MDB_val k = to_val(key);
  const int rc = ::mdb_del(h_, db.handle(), &k, nullptr);
  if (rc == MDB_NOTFOUND) return false;
  check(rc, "mdb_del");
  return true;
}

std::size_t txn::entries(dbi db) const {
  MDB_stat st;
  check(::mdb_stat(h_, db.handle(), &st), "mdb_stat");
  return st.ms_entries;
}

std::optional<dbi> txn::open_dbi(const char* name, bool create) const {
  MDB_dbi h = 0;
  const int rc = ::mdb_dbi_open(h_, name, create ? MDB_CREATE : 0u, &h);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  check(rc, std::string("mdb_dbi_open(") + (name ? name : "main") + ")");
  return dbi(h);
}

void txn::commit() {
  require_active("commit");
  const int rc = ::mdb_txn_commit(h_);
  h_ = nullptr;
  state_ = state::finished;
  core_->finish();
  check(rc, "mdb_txn_commit");
}

void txn::reset() {
  require_active("reset");
  if (!read_only_)
    throw usage_error("txn::reset() on a write transaction", "only read transactions can be reset",
                      "commit or abort a write transaction");
  ::mdb_txn_reset(h_);
  state_ = state::reset;
  core_->finish();
}

void txn::renew() {
  if (state_ != state::reset)
    throw usage_error("txn::renew() on a transaction that was not reset", "renew() follows reset()",
                      "call reset() first, or begin a new transaction");
  core_->start(h_, MDB_RDONLY);
  state_ = state::active;
}

txn::txn(::consist::detail::env_core* core, std::shared_ptr<::consist::detail::env_core> keep, MDB_txn* h,
         bool read_only, bool owning) noexcept
    : core_(core), keep_(std::move(keep)), h_(h), read_only_(read_only), owning_(owning) {}

void txn::require_active(const char* what) const {
  if (state_ != state::active || !owning_)
    throw usage_error(std::string("txn::") + what + "() on a transaction that is not active or not owned",
                      "the transaction already ended, or it is the view a read/write callback receives",
                      "let env::read/env::write end their transactions; use env::begin_read() to own one");
}

void txn::end() noexcept {
  if (!owning_ || !h_) return;
  if (state_ != state::finished) ::mdb_txn_abort(h_);
  if (state_ == state::active) core_->finish();
  h_ = nullptr;
  state_ = state::finished;
}

void txn::steal(txn& o) noexcept {
  core_ = o.core_;
  keep_ = std::move(o.keep_);
  h_ = std::exchange(o.h_, nullptr);
  read_only_ = o.read_only_;
  owning_ = o.owning_;
  state_ = std::exchange(o.state_, state::finished);
  map_full_ = o.map_full_;
}

std::optional<cursor::entry> cursor::step(MDB_cursor_op op, std::string_view key) {
  MDB_val k = to_val(key), v{};
  const int rc = ::mdb_cursor_get(h_, &k, &v, op);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  t_.check(rc, "mdb_cursor_get");
  return entry{from_val(k), from_val(v)};
}

void cursor::del() { t_.check(::mdb_cursor_del(h_, 0), "mdb_cursor_del"); }

env env::open(const std::filesystem::path& dir, const env_options& o) {
  auto core = std::make_shared<::consist::detail::env_core>();
  core->read_only = o.read_only;
  core->sync_commits = o.durability == durability::sync;
  core->path = prepare_directory(dir, o.read_only);
  core->register_path();
  core->check(::mdb_env_create(&core->handle), "mdb_env_create");
  core->check(::mdb_env_set_maxdbs(core->handle, o.max_dbs), "mdb_env_set_maxdbs");
  core->check(::mdb_env_set_maxreaders(core->handle, o.max_readers), "mdb_env_set_maxreaders");
  core->check(::mdb_env_set_mapsize(core->handle, o.map_size), "mdb_env_set_mapsize");
  unsigned flags = MDB_NOTLS;
  if (o.read_only) flags |= MDB_RDONLY;
  if (o.durability == durability::nosync) flags |= MDB_NOSYNC;
  // 0664 & ~umask: group may share a store, the world never writes it.
  core->check(::mdb_env_open(core->handle, core->path.c_str(), flags, 0664), "mdb_env_open");
  int dead = 0;
  core->check(::mdb_reader_check(core->handle, &dead), "mdb_reader_check");
  core->stale_readers_cleared = static_cast<std::size_t>(dead);
  core->check(::mdb_env_get_fd(core->handle, &core->fd), "mdb_env_get_fd");
  require_whole_file(*core);
  env e;
  e.core_ = std::move(core);
  return e;
}

txn env::begin_read() const {
  MDB_txn* h = nullptr;
  core_->start(h, MDB_RDONLY);
  return txn(core_.get(), core_, h, true, true);
}

void env::sync() const {
  if (core_->read_only) return;
  if (::fdatasync(core_->fd) != 0) core_->fail(errno, "fdatasync");
  ++core_->durable_commits;
}

std::string env::prepare_directory(const std::filesystem::path& dir, bool read_only) {
  namespace fs = std::filesystem;
  const std::string shown = dir.string();
  std::error_code ec;
  if (!read_only) {
    if (const int err = ::consist::detail::make_directories(dir)) throw_errno(err, "mkdir", shown);
    if (::access(dir.c_str(), W_OK) != 0)
      throw store_error("the store directory '" + shown + "' is not writable",
                        "this user has no write permission there (or the filesystem is read-only)",
                        "open the store with read_only = true to query it, or fix the permissions");
  } else if (!fs::exists(dir / "data.mdb", ec)) {
    throw store_error("there is no store at '" + shown + "' (no data.mdb)",
                      "the path is wrong, or the store was never created",
                      "check the path; a read-only open never creates a store");
  }
  const fs::path canon = fs::canonical(dir, ec);
  if (ec) throw_errno(ec.value(), "canonical", shown);
  if (!fs::is_directory(canon, ec)) throw_errno(ENOTDIR, "open", shown);
  return canon.string();
}

void env::require_whole_file(const ::consist::detail::env_core& c) {
  MDB_envinfo info;
  MDB_stat st;
  c.check(::mdb_env_info(c.handle, &info), "mdb_env_info");
  c.check(::mdb_env_stat(c.handle, &st), "mdb_env_stat");
  struct stat file;
  if (::fstat(c.fd, &file) != 0) c.fail(errno, "fstat");
  const auto needed = (static_cast<std::uint64_t>(info.me_last_pgno) + 1) * st.ms_psize;
  if (static_cast<std::uint64_t>(file.st_size) < needed)
    throw integrity_error("the store at '" + c.path + "' is truncated: data.mdb has " +
                              std::to_string(file.st_size) + " bytes, its last committed page ends at " +
                              std::to_string(needed),
                          "the file was cut short (an interrupted copy, a full disk while copying it)",
                          "restore data.mdb from a complete copy, or rebuild the store from the run snapshots");
}

}  // namespace consist::inline v0::lmdb
