#pragma once
// Body of <consist/detail/lmdb_error.hpp>.

#include <consist/detail/lmdb_error.hpp>

#include <lmdb.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace consist::inline v0::detail {

struct lmdb_advice {
  const char* cause;
  const char* fix;
  bool integrity;  // the bytes on disk are not what LMDB/consist wrote
};

inline lmdb_advice advice_for(int rc) noexcept {
  switch (rc) {
    case MDB_MAP_FULL:
      return {"the store's memory map is full and could not be grown further",
              "free disk space or address space, or open the store with a larger initial_map_size", false};
    case MDB_READERS_FULL:
      return {"more threads or processes are reading the store than its reader table allows",
              "use fewer reading threads, or clear readers left by killed processes with `mdb_stat -rr <store>`",
              false};
    case MDB_TXN_FULL:
      return {"one transaction changed more pages than LMDB allows", "write in smaller batches", false};
    case MDB_BAD_VALSIZE:
      return {"a key is empty or longer than LMDB's key limit (511 bytes), or a value is too large",
              "shorten run ids, tags, model names and artifact keys (at most 250 bytes each)", false};
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
      return {"the files at this path are not an LMDB environment, or were written by an incompatible LMDB",
              "point the store at another directory, or rebuild it from the run snapshots", true};
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_PANIC:
      return {"the store's data file is damaged (truncated, overwritten, or torn by a power loss)",
              "restore the store from a backup, or rebuild it from the run snapshots", true};
    case MDB_INCOMPATIBLE:
      return {"a named database exists with other flags, or a key in the main database is not a database",
              "this directory holds a different LMDB application's data: use another directory", true};
    case MDB_DBS_FULL:
      return {"the environment has more named databases than the store opens it with",
              "this directory holds a different application's data: use another directory", true};
    case ENOSPC:
    case EDQUOT:
      return {"the filesystem holding the store is full (or the user's quota is exhausted)",
              "free space on that filesystem; the store stays readable and nothing committed is lost", false};
    case EFBIG:
      return {"the store's data file reached the largest file this process may write (`ulimit -f`)",
              "raise the file size limit; the store stays readable and nothing committed is lost", false};
    case EACCES:
    case EPERM:
      return {"no permission to open or write the store's files (a reader also needs write access to lock.mdb)",
              "fix the permissions of the store directory, data.mdb and lock.mdb, or open it with read_only = true",
              false};
    case EROFS:
      return {"the store lies on a read-only filesystem", "open the store with read_only = true", false};
    case ENOENT:
      return {"the store directory or one of its files does not exist", "check the store path", false};
    case ENOTDIR:
      return {"the store path (or a parent of it) is a file, not a directory",
              "give the path of a directory: LMDB keeps data.mdb and lock.mdb inside it", false};
    case EIO:
      return {"the disk reported an I/O error", "check the device (dmesg) and restore the store if needed", false};
    case ENOMEM:
      return {"out of memory or address space for the store's map",
              "reduce other memory use, or check `ulimit -v`", false};
    case EAGAIN:
    case EBUSY:
      return {"another process holds the store's lock file in a way LMDB cannot share",
              "check for processes using the store (`fuser <store>/lock.mdb`)", false};
    case EINVAL:
      return {"LMDB rejected the call's arguments (e.g. a transaction used on the wrong thread or after it ended)",
              "report this with the message: it is a bug in consist or in the calling code", false};
    default:
      return {"LMDB reported an error the store does not expect",
              "report this with the message; check the disk and the store directory", false};
  }
}

/// The bytes free for this user on the filesystem holding `path`, and its size; nullopt when unknown.
inline std::optional<std::pair<std::uint64_t, std::uint64_t>> filesystem_space(std::string_view path) noexcept {
  struct statvfs v {};
  if (::statvfs(std::string(path).c_str(), &v) != 0) return std::nullopt;
  const auto bytes = [&](auto blocks) { return static_cast<std::uint64_t>(blocks) * v.f_frsize; };
  return std::pair{bytes(v.f_bavail), bytes(v.f_blocks)};
}

void throw_lmdb_error(int rc, std::string_view call, std::string_view path) {
  const lmdb_advice a = advice_for(rc);
  std::string problem = std::string(call) + " failed for the store at '" + std::string(path) +
                        "': " + ::mdb_strerror(rc) + " (code " + std::to_string(rc) + ")";
  if (a.integrity) throw integrity_error(std::move(problem), a.cause, a.fix);
  if (rc == EIO)
    if (const auto space = filesystem_space(path); space && nearly_full(space->first, space->second))
      throw store_error(std::move(problem),
                        "the filesystem holding the store is full (" + std::to_string(space->first) +
                            " bytes left): LMDB reports a write cut short by a full filesystem as an I/O error",
                        "free space on that filesystem; the store stays readable and nothing committed is lost "
                        "(should space not be the cause, check the device: dmesg)");
  throw store_error(std::move(problem), a.cause, a.fix);
}

}  // namespace consist::inline v0::detail
