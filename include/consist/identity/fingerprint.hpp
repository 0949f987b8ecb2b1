#pragma once
// Fingerprints of files and directories: what identifies an input or output.
//
// full mode: a file's digest is SipHash-2-4-128 (identity_key) of its bytes,
//   read in 1 MiB blocks; fast mode: a digest of its size, mtime in ns and
//   inode number (so a copy with the same size and mtime is another file).
// A directory's digest covers every entry below it, sorted by relative path
//   (generic form, '/' separated, compared bytewise): for a file its relative
//   name and its file digest, for a subdirectory its relative name. Renaming a
//   file inside changes the digest; the order of creation does not.
// Symbolic links are followed: a link to a file contributes the target's
//   content (or size and mtime) under the link's own name; a link to a
//   directory is walked under the link's name. The target's path is not part
//   of the digest, but its content is, so a link to a file outside a directory
//   makes that file's changes count. A dangling link, a link cycle, or an entry
//   that is neither a regular file nor a directory (fifo, socket, device) is an
//   identity_error: nothing is skipped silently.
// Any failure (missing path, unreadable file) is an identity_error naming the
// path; there is never a placeholder digest that could match another run.

#include <consist/detail/config.hpp>
#include <consist/detail/hash_fields.hpp>
#include <consist/error.hpp>
#include <consist/hash/siphash.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string_view>

namespace consist::inline v0 {

/// How file contents enter an identity: full reads every byte; fast trusts
/// size, modification time and inode number (much cheaper, blind to a
/// same-size rewrite in place whose mtime is put back or falls within the
/// filesystem's timestamp resolution).
enum class hashing_mode { full, fast };

constexpr std::string_view to_string(hashing_mode mode) noexcept {
  switch (mode) {
    case hashing_mode::full: return "full";
    case hashing_mode::fast: return "fast";
  }
  return "invalid";
}

/// The fingerprint of a file or directory. `digest` is the identity; size
/// (bytes of all files), mtime_ns (the newest modification time seen) and
/// file_count are descriptive and do not take part in equality.
struct fingerprint {
  hashing_mode mode;
  std::array<std::uint8_t, 16> digest;
  std::uint64_t size;
  std::int64_t mtime_ns;
  bool is_directory;
  std::uint64_t file_count;

  /// Same identity: same mode, same kind, same digest. A file rewritten with
  /// identical bytes is equal in full mode though its mtime moved.
  friend bool operator==(const fingerprint& a, const fingerprint& b) noexcept {
    return a.mode == b.mode && a.is_directory == b.is_directory && a.digest == b.digest;
  }
};

/// The fingerprint of a regular file or a directory tree (see the rules at the
/// top of this header). Throws identity_error naming the path on any failure.
CONSIST_DECL fingerprint fingerprint_path(const std::filesystem::path& path, hashing_mode mode);

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/identity/impl/fingerprint.ipp>
#endif
