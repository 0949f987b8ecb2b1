#pragma once
// Writing a snapshot file: atomically (a temporary file in the same folder,
// then renamed), and, when a store's spare_files is given, into a file that
// a background thread created ahead.
//
// Why ahead: creating a file is a metadata operation, and on a parallel file
// system (a round trip to the metadata server) or a busy local journal it can
// cost a millisecond, far more than writing a snapshot's few kilobytes and
// renaming the file. A miss waits for its snapshot, so the store keeps one
// empty file made ahead in the folder its snapshots last went to; the next
// snapshot is written into it and renamed into place, and the thread makes
// the next one while the caller goes on.
//
// Nothing depends on a spare: without one ready (the first snapshot, a burst
// faster than files are made, another folder) or when using it fails, the
// writer creates its own temporary file, as it always did, with the same
// result and the same errors. An unused spare is removed when the store
// closes; one left by a killed process is an empty dot-file, which snapshot
// readers skip like any other temporary file.

#include <consist/detail/config.hpp>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace consist::inline v0::detail {

class spare_files {
 public:
  /// An empty file, open for writing.
  struct file {
    int fd = -1;
    std::string path;
  };

  spare_files() = default;
  spare_files(const spare_files&) = delete;
  spare_files& operator=(const spare_files&) = delete;
  /// Stops the thread and removes the spare nobody took.
  CONSIST_DECL ~spare_files();

  /// The file made ahead in `dir`, or none; either way the next one for `dir`
  /// is asked for. A spare made for another folder is removed.
  CONSIST_DECL std::optional<file> take(const std::filesystem::path& dir);

  /// Whether a spare is made and waiting to be taken (tests watch for it).
  CONSIST_DECL bool ready();

  /// Asks for a spare in `dir` (after the folder was made: the last ask failed).
  void want(const std::filesystem::path& dir) {
    if (auto stale = take(dir)) discard(*stale);
  }

 private:
  CONSIST_DECL void run();
  CONSIST_DECL static void discard(file& f) noexcept;

  std::mutex m_;
  std::condition_variable wanted_cv_;
  std::string dir_;  // the folder spares are made in (native form)
  file ready_;       // fd -1: none ready
  bool wanted_ = false;
  bool stopping_ = false;
  bool no_thread_ = false;  // the thread could not be started: no spares, ever
  std::thread thread_;
};

/// Writes `text` to `file` atomically, through a spare of `spares` when one
/// is ready (nullptr: always a temporary file of its own). A store_error
/// names the file when it cannot be written.
CONSIST_DECL void write_snapshot_file(const std::filesystem::path& file, std::string_view text, spare_files* spares);

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/snapshot_file.ipp>
#endif
