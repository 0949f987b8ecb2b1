#pragma once
// Body of <consist/detail/snapshot_file.hpp>.

#include <consist/detail/snapshot_file.hpp>

#include <consist/detail/make_dirs.hpp>
#include <consist/detail/process_info.hpp>
#include <consist/error.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

namespace consist::inline v0::detail {

[[noreturn]] inline void snapshot_io_error(const std::string& what, const std::filesystem::path& file, int err,
                                           const std::string& fix = "check the run directory") {
  throw store_error(what + " '" + file.string() + "': " + std::strerror(err),
                    err == ENOSPC ? "the filesystem is full" : "no permission, or the run directory is not usable",
                    fix);
}

/// snapshot_io_error for a file in <run_dir>/runs that a snapshot could not be written to.
[[noreturn]] inline void snapshot_write_error(const std::string& what, const std::filesystem::path& file, int err) {
  snapshot_io_error(what, file, err,
                    "check the run directory; the store holds the run's record, and once the directory is "
                    "usable `consist doctor --fix --run-dir " + file.parent_path().parent_path().string() +
                        "` (and --store naming the store) writes the snapshot from it");
}

/// A name no other writer uses: "." + stem + ".tmp." + pid + "." + a process-wide count,
/// the stem cut so that the name fits in a file name (255 bytes: a run id may take 250).
inline std::string temporary_name(std::string_view stem) {
  static std::atomic<unsigned> counter{0};
  constexpr std::size_t longest_suffix = 5 + 10 + 1 + 10;  // ".tmp." pid "." count
  std::string name = ".";
  name += stem.substr(0, 255 - 1 - longest_suffix);
  name += ".tmp.";
  name += std::to_string(current_pid());
  name += '.';
  name += std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
  return name;
}

inline int open_new_file(const std::string& path) {
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0664);
}

/// 0 when all of `text` is written, else the errno.
inline int write_all(int fd, std::string_view text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

/// Writes `text` to the open file `fd` (at `tmp`), closes it and renames it
/// to `file`: 0, or the errno of the first step that failed. `fd` is closed
/// either way; `tmp` is left for the caller to remove on failure.
inline int write_and_rename(int fd, const std::string& tmp, const std::filesystem::path& file, std::string_view text) {
  int err = write_all(fd, text);
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), file.c_str()) != 0) err = errno;
  return err;
}

void spare_files::discard(file& f) noexcept {
  if (f.fd < 0) return;
  ::close(f.fd);
  ::unlink(f.path.c_str());
  f.fd = -1;
}

spare_files::~spare_files() {
  {
    std::lock_guard lock(m_);
    stopping_ = true;
  }
  wanted_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  discard(ready_);
}

std::optional<spare_files::file> spare_files::take(const std::filesystem::path& dir) {
  std::optional<file> out;
  file stale;
  {
    std::lock_guard lock(m_);
    if (no_thread_) return out;
    const bool same_dir = dir_ == dir.native();
    if (ready_.fd >= 0) {
      if (same_dir) out = std::exchange(ready_, file{});
      else stale = std::exchange(ready_, file{});
    }
    if (!same_dir) dir_ = dir.native();
    wanted_ = true;
    if (!thread_.joinable()) {
      try {
        thread_ = std::thread([this] { run(); });
      } catch (const std::system_error&) {
        no_thread_ = true;  // spares only save time: the writer makes its own files
        wanted_ = false;
      }
    }
  }
  wanted_cv_.notify_one();
  discard(stale);
  return out;
}

bool spare_files::ready() {
  std::lock_guard lock(m_);
  return ready_.fd >= 0;
}

void spare_files::run() {
  std::unique_lock lock(m_);
  for (;;) {
    wanted_cv_.wait(lock, [&] { return wanted_ || stopping_; });
    if (stopping_) return;
    wanted_ = false;
    if (ready_.fd >= 0) continue;  // one is still there
    const std::string dir = dir_;
    lock.unlock();
    file f;
    f.path = dir;
    f.path += '/';
    f.path += temporary_name("spare");
    f.fd = open_new_file(f.path);  // may fail (no folder yet, no space): then no spare this time
    lock.lock();
    if (f.fd < 0) continue;
    if (stopping_ || dir != dir_ || ready_.fd >= 0) discard(f);
    else ready_ = std::move(f);
  }
}

void write_snapshot_file(const std::filesystem::path& file, std::string_view text, spare_files* spares) {
  const auto dir = file.parent_path();
  if (spares) {
    if (auto s = spares->take(dir)) {
      if (write_and_rename(s->fd, s->path, file, text) == 0) return;
      // The folder went away since, or the write failed: a file of its own
      // below says which, or succeeds.
      ::unlink(s->path.c_str());
    }
  }

  const std::string tmp = (dir / temporary_name(file.filename().native())).native();
  int fd = open_new_file(tmp);
  bool made_dir = false;
  if (fd < 0 && errno == ENOENT) {  // the first snapshot of this run directory: make its folders
    if (const int err = make_directories(dir))
      snapshot_write_error("cannot create the snapshot directory of", file, err);
    made_dir = true;
    fd = open_new_file(tmp);
  }
  if (fd < 0) snapshot_write_error("cannot create the temporary snapshot file", tmp, errno);
  if (made_dir && spares) spares->want(dir);  // the spare asked for above could not be made without the folder
  if (const int err = write_and_rename(fd, tmp, file, text)) {
    ::unlink(tmp.c_str());
    snapshot_write_error("cannot write the snapshot", file, err);
  }
}

}  // namespace consist::inline v0::detail
