#pragma once
// Body of <consist/identity/fingerprint.hpp>.

#include <consist/identity/fingerprint.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <set>
#include <span>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace consist::inline v0 {

namespace detail {

inline constexpr std::size_t fingerprint_block_size = std::size_t{1} << 20;
inline constexpr std::size_t fingerprint_block_alignment = 4096;

[[noreturn]] inline void throw_path_error(const std::filesystem::path& path, std::string_view action, int err) {
  std::string cause;
  if (err == ENOENT || err == ENOTDIR)
    cause = "the path does not exist: an input that was never written, a typo, or a relative path resolved "
            "from another working directory";
  else if (err == EACCES || err == EPERM)
    cause = "this process lacks permission to read it";
  else
    cause = "the operating system reported an error";
  throw identity_error("cannot " + std::string(action) + " \"" + path.string() +
                           "\": " + std::error_code(err, std::generic_category()).message(),
                       cause,
                       "create or fix the path (or its permissions) before the run, or remove it from the "
                       "run's inputs and outputs");
}

[[noreturn]] inline void throw_unsupported_kind(const std::filesystem::path& path) {
  throw identity_error("cannot fingerprint \"" + path.string() + "\": it is neither a regular file nor a directory",
                       "the path is a fifo, socket or device, whose content is not a fixed sequence of bytes",
                       "fingerprint the regular file the data is written to, or leave this path out of the "
                       "run's inputs and outputs");
}

inline std::int64_t mtime_ns_of(const struct stat& st) noexcept {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

/// stat() that follows links; a dangling link is reported as such.
inline struct stat stat_following_links(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return st;
  const int err = errno;
  struct stat link {};
  if (err == ENOENT && ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode))
    throw identity_error("cannot fingerprint \"" + path.string() + "\": it is a symbolic link to a missing target",
                         "the link's target was moved or deleted, or the link is relative to another directory",
                         "restore the target or replace the link with the file itself");
  throw_path_error(path, "stat", err);
}

/// Size and mtime, and the inode number: two files of the same size and
/// mtime (a copy made with `cp -p`, `tar -x` or `rsync -t`, or two files
/// written within one tick of the filesystem's clock) are different files.
/// Not the device number: that of a network filesystem can change from one
/// mount, and one node, to the next.
inline std::array<std::uint8_t, 16> fast_file_digest(std::uint64_t size, std::int64_t mtime_ns,
                                                     std::uint64_t inode) noexcept {
  siphash24_128_stream h(identity_key);
  hash_field(h, "consist.fingerprint.fast.v2");
  hash_u64(h, size);
  hash_u64(h, static_cast<std::uint64_t>(mtime_ns));
  hash_u64(h, inode);
  return h.finish();
}

/// Closes the descriptor on every path out of the read loop.
class file_descriptor {
 public:
  explicit file_descriptor(int fd) noexcept : fd_(fd) {}
  file_descriptor(const file_descriptor&) = delete;
  file_descriptor& operator=(const file_descriptor&) = delete;
  ~file_descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

/// Streams file contents through SipHash. One block buffer, page-aligned and
/// allocated on first use, serves every file of a directory walk.
class content_hasher {
 public:
  fingerprint file(const std::filesystem::path& path) {
    // O_NONBLOCK: opening a fifo must fail the kind check below, not hang.
    const file_descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (fd.get() < 0) throw_path_error(path, "open", errno);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw_path_error(path, "stat", errno);
    if (!S_ISREG(st.st_mode)) throw_unsupported_kind(path);
    ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);  // advisory: larger readahead

    std::uint8_t* const block = buffer();
    siphash24_128_stream h(identity_key);
    std::uint64_t total = 0;
    for (;;) {
      const ssize_t n = ::read(fd.get(), block, fingerprint_block_size);
      if (n == 0) break;
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_path_error(path, "read", errno);
      }
      h.update(std::span<const std::uint8_t>(block, static_cast<std::size_t>(n)));
      total += static_cast<std::uint64_t>(n);
    }
    return {hashing_mode::full, h.finish(), total, mtime_ns_of(st), false, 1};
  }

 private:
  struct free_deleter {
    void operator()(std::uint8_t* p) const noexcept { std::free(p); }
  };
  std::uint8_t* buffer() {
    if (!block_) {
      block_.reset(static_cast<std::uint8_t*>(std::aligned_alloc(fingerprint_block_alignment, fingerprint_block_size)));
      if (!block_) throw std::bad_alloc();
    }
    return block_.get();
  }
  std::unique_ptr<std::uint8_t, free_deleter> block_;
};

/// The fingerprint of one regular file (the caller has checked the kind).
inline fingerprint fingerprint_file(const std::filesystem::path& path, const struct stat& st, hashing_mode mode,
                                    content_hasher& hasher) {
  if (mode == hashing_mode::full) return hasher.file(path);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  return {hashing_mode::fast, fast_file_digest(size, mtime_ns_of(st), static_cast<std::uint64_t>(st.st_ino)), size,
          mtime_ns_of(st), false, 1};
}

struct walk_entry {
  std::string relative;  // generic form, '/' separated
  std::filesystem::path path;
  struct stat st;
};

/// Collects every entry below `dir`, following links. `open_dirs` holds the
/// (device, inode) of the directories being walked, to detect link cycles.
inline void collect_entries(const std::filesystem::path& dir, const std::string& prefix,
                            std::set<std::pair<dev_t, ino_t>>& open_dirs, std::vector<walk_entry>& out) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) throw_path_error(dir, "list the directory", ec.value());
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) throw_path_error(dir, "list the directory", ec.value());
    walk_entry e{prefix + it->path().filename().string(), it->path(), stat_following_links(it->path())};
    if (S_ISDIR(e.st.st_mode)) {
      const std::pair<dev_t, ino_t> id{e.st.st_dev, e.st.st_ino};
      if (open_dirs.contains(id))
        throw identity_error("cannot fingerprint \"" + e.path.string() +
                                 "\": a symbolic link leads back into a directory that contains it",
                             "a link points to one of its own parent directories, so the walk would never end",
                             "remove the link or point it at a directory outside the fingerprinted tree");
      const std::string sub = e.relative + "/";
      const std::filesystem::path sub_path = e.path;
      out.push_back(std::move(e));
      open_dirs.insert(id);
      collect_entries(sub_path, sub, open_dirs, out);
      open_dirs.erase(id);
    } else if (S_ISREG(e.st.st_mode)) {
      out.push_back(std::move(e));
    } else {
      throw_unsupported_kind(e.path);
    }
  }
  if (ec) throw_path_error(dir, "list the directory", ec.value());
}

inline fingerprint fingerprint_directory(const std::filesystem::path& root, const struct stat& root_st,
                                         hashing_mode mode) {
  std::vector<walk_entry> entries;
  std::set<std::pair<dev_t, ino_t>> open_dirs{{root_st.st_dev, root_st.st_ino}};
  collect_entries(root, "", open_dirs, entries);
  std::sort(entries.begin(), entries.end(),
            [](const walk_entry& a, const walk_entry& b) { return a.relative < b.relative; });

  siphash24_128_stream h(identity_key);
  hash_field(h, "consist.fingerprint.directory");
  hash_field(h, to_string(mode));
  fingerprint result{mode, {}, 0, mtime_ns_of(root_st), true, 0};
  content_hasher hasher;
  for (const walk_entry& e : entries) {
    const bool is_dir = S_ISDIR(e.st.st_mode);
    hash_field(h, is_dir ? "d" : "f");
    hash_field(h, e.relative);
    result.mtime_ns = std::max(result.mtime_ns, mtime_ns_of(e.st));
    if (is_dir) continue;
    const fingerprint file = fingerprint_file(e.path, e.st, mode, hasher);
    h.update(std::span<const std::uint8_t>(file.digest));
    result.size += file.size;
    result.mtime_ns = std::max(result.mtime_ns, file.mtime_ns);
    ++result.file_count;
  }
  result.digest = h.finish();
  return result;
}

}  // namespace detail

fingerprint fingerprint_path(const std::filesystem::path& path, hashing_mode mode) {
  const struct stat st = detail::stat_following_links(path);
  if (S_ISDIR(st.st_mode)) return detail::fingerprint_directory(path, st, mode);
  if (!S_ISREG(st.st_mode)) detail::throw_unsupported_kind(path);
  detail::content_hasher hasher;
  return detail::fingerprint_file(path, st, mode, hasher);
}

}  // namespace consist::inline v0
