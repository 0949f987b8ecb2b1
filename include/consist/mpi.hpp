#pragma once
/// @file
/// MPI-aware runs: `consist::mpi::run(comm, store_owner, fn, opts...)`, one
/// tracked, cached step executed by every rank of a communicator. Not part
/// of `<consist.hpp>`; needs MPI (link `MPI::MPI_CXX`).
///
/// Every rank calls it at the same point, with the same options; rank 0
/// passes its tracker (it owns the store), the others pass nullptr:
///
///     consist::tracker* owner = rank == 0 ? &t : nullptr;
///     auto r = consist::mpi::run(MPI_COMM_WORLD, owner, solve, consist::name{"solve"}, consist::config{cfg});
///
/// - Every rank computes the signature; one allreduce checks that they agree.
///   A rank with another identity (its config, inputs or code) is an
///   identity_mismatch on every rank naming that rank and component; a rank
///   that cannot resolve its options is a rank_failure on every rank. The
///   number of ranks is not part of the identity.
/// - Rank 0 looks the signature up (while the others resolve), records the
///   hit or begins the miss once they agree, and broadcasts which. On a hit no
///   rank calls fn: rank 0 broadcasts the stored bytes and every rank decodes
///   the value. On a miss every rank calls fn; rank 0 records the run.
/// - An exception in fn on any rank fails the run (its record names the
///   ranks and their errors) and is a rank_failure on every rank; on a rank
///   whose fn threw, the original exception is nested in it.
/// - fn must return the same value on every rank (a hit restores rank 0's
///   value everywhere); a value that differs fails the run.
/// - Spans are reduced over the ranks: `run_record::span_stats` holds every
///   rank's spans merged, `run_record::span_ranks` per site the min / max /
///   sum over ranks of each rank's total time and count.
/// - Rank 0's record carries `meta.mpi`: the world size and the ranks that
///   executed (and failed). Declared outputs are collected on rank 0, from
///   its output folder, once every rank has returned from fn.
///
/// Cost: on a hit, one allreduce and one broadcast beyond a single process's
/// hit (the first call of a thread also broadcasts rank 0's tracker settings,
/// and again whenever they change). An exception in fn while other ranks wait
/// in a collective inside fn deadlocks, as in any MPI program. Threads that
/// call it at the same time need distinct communicators (and
/// MPI_THREAD_MULTIPLE).

#include <consist/detail/mpi_protocol.hpp>
#include <consist/detail/mpi_wire.hpp>
#include <consist/error.hpp>
#include <consist/tracker.hpp>

#include <mpi.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <cstring>
#include <exception>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace consist::inline v0 {

namespace mpi {

/// Raised on every rank when something failed on one or more ranks: fn
/// threw, or a rank could not resolve its options. On a rank whose own code
/// threw, that exception is nested (`std::rethrow_if_nested`).
class rank_failure : public error {
 public:
  rank_failure(std::string problem, std::string likely_cause, std::string suggested_fix, std::vector<int> ranks)
      : error(std::move(problem), std::move(likely_cause), std::move(suggested_fix)), ranks_(std::move(ranks)) {}
  /// The ranks that failed, ascending.
  const std::vector<int>& ranks() const noexcept { return ranks_; }

 private:
  std::vector<int> ranks_;
};

/// Raised on every rank when ranks computed different identities for one
/// run. Nothing was executed or recorded.
class identity_mismatch : public identity_error {
 public:
  identity_mismatch(std::string problem, std::string likely_cause, std::string suggested_fix, std::vector<int> ranks,
                    std::vector<std::string> components)
      : identity_error(std::move(problem), std::move(likely_cause), std::move(suggested_fix)),
        ranks_(std::move(ranks)),
        components_(std::move(components)) {}
  /// The ranks whose identity differs from rank 0's, ascending.
  const std::vector<int>& ranks() const noexcept { return ranks_; }
  /// The components in which the first of them differs: "config", "inputs", "code", ...
  const std::vector<std::string>& components() const noexcept { return components_; }

 private:
  std::vector<int> ranks_;
  std::vector<std::string> components_;
};

}  // namespace mpi

namespace detail {

inline void mpi_check(int rc, const char* call) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  MPI_Error_string(rc, text, &length);
  throw error(std::string(call) + " failed inside consist::mpi::run: " +
                  std::string(text, static_cast<std::size_t>(length)),
              "the communicator is broken (a rank died) or the MPI error handler returns errors",
              "check the MPI job; consist::mpi::run must be called by every rank of the communicator");
}

/// The transport of detail/mpi_protocol.hpp over one communicator.
class mpi_transport {
 public:
  explicit mpi_transport(MPI_Comm comm) : comm_(comm) {
    int initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (!initialized || finalized)
      throw usage_error("consist::mpi::run was called while MPI is not initialized",
                        finalized ? "MPI_Finalize was already called" : "MPI_Init was not called yet",
                        "call consist::mpi::run between MPI_Init and MPI_Finalize");
    if (comm == MPI_COMM_NULL)
      throw usage_error("consist::mpi::run was given MPI_COMM_NULL", "the communicator was freed or never created",
                        "pass a valid communicator, e.g. MPI_COMM_WORLD");
    mpi_check(MPI_Comm_rank(comm, &rank_), "MPI_Comm_rank");
    mpi_check(MPI_Comm_size(comm, &size_), "MPI_Comm_size");
  }

  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }

  /// Rank 0's bytes to every rank: one fixed-size message with the length
  /// and the start (a usual hit fits), then the rest only when it did not.
  void broadcast(std::vector<std::uint8_t>& bytes) const {
    constexpr std::size_t head_size = 512, room = head_size - sizeof(std::uint64_t);
    std::array<std::uint8_t, head_size> head{};
    std::uint64_t n = bytes.size();
    if (rank_ == 0) {
      std::memcpy(head.data(), &n, sizeof n);
      if (n != 0) std::memcpy(head.data() + sizeof n, bytes.data(), std::min<std::size_t>(bytes.size(), room));
    }
    mpi_check(MPI_Bcast(head.data(), static_cast<int>(head_size), MPI_BYTE, 0, comm_), "MPI_Bcast");
    if (rank_ != 0) {
      std::memcpy(&n, head.data(), sizeof n);
      bytes.resize(static_cast<std::size_t>(n));
      if (n != 0) std::memcpy(bytes.data(), head.data() + sizeof n, std::min<std::size_t>(bytes.size(), room));
    }
    for (std::size_t done = room; done < bytes.size();) {
      const std::size_t chunk = std::min<std::size_t>(bytes.size() - done, INT_MAX);
      mpi_check(MPI_Bcast(bytes.data() + done, static_cast<int>(chunk), MPI_BYTE, 0, comm_), "MPI_Bcast");
      done += chunk;
    }
  }

  /// The most one rank may gather: all of them together must fit an int.
  std::size_t gather_budget() const noexcept {
    return static_cast<std::size_t>(INT_MAX) / static_cast<std::size_t>(size_);
  }

  /// Every rank's bytes at rank 0, by rank; empty on the other ranks.
  std::vector<std::vector<std::uint8_t>> gather(const std::vector<std::uint8_t>& mine) const {
    const int n = static_cast<int>(mine.size());
    const bool root = rank_ == 0;
    std::vector<int> sizes(root ? static_cast<std::size_t>(size_) : 0), offsets(sizes.size());
    mpi_check(MPI_Gather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, comm_), "MPI_Gather");
    std::vector<std::uint8_t> all;
    if (root) {
      std::size_t total = 0;
      for (std::size_t r = 0; r < sizes.size(); ++r) {
        offsets[r] = static_cast<int>(total);
        total += static_cast<std::size_t>(sizes[r]);
      }
      all.resize(total);
    }
    mpi_check(MPI_Gatherv(mine.data(), n, MPI_BYTE, all.data(), sizes.data(), offsets.data(), MPI_BYTE, 0, comm_),
              "MPI_Gatherv");
    std::vector<std::vector<std::uint8_t>> out;
    for (std::size_t r = 0; r < sizes.size(); ++r) {
      const auto* first = all.data() + offsets[r];
      out.emplace_back(first, first + sizes[r]);
    }
    return out;
  }

  /// The bitwise AND of `words` over the ranks, in place.
  void all_and(std::span<std::uint64_t> words) const {
    mpi_check(MPI_Allreduce(MPI_IN_PLACE, words.data(), static_cast<int>(words.size()), MPI_UINT64_T, MPI_BAND, comm_),
              "MPI_Allreduce");
  }

 private:
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
};

/// The public error of a verdict; on a rank whose own code failed, with that
/// exception nested.
[[noreturn]] inline void raise_verdict(const mpi_verdict& v, std::exception_ptr local) {
  const std::vector<int> ranks(v.ranks.begin(), v.ranks.end());
  const auto raise = [&] {
    if (v.kind == verdict_kind::mismatch) throw mpi::identity_mismatch(v.problem, v.cause, v.fix, ranks, v.components);
    throw mpi::rank_failure(v.problem, v.cause, v.fix, ranks);
  };
  if (!local) raise();
  try {
    std::rethrow_exception(local);
  } catch (...) {
    if (v.kind == verdict_kind::mismatch)
      std::throw_with_nested(mpi::identity_mismatch(v.problem, v.cause, v.fix, ranks, v.components));
    std::throw_with_nested(mpi::rank_failure(v.problem, v.cause, v.fix, ranks));
  }
}

}  // namespace detail

namespace mpi {

/// Runs fn as one tracked, cached step on every rank of `comm` (see the top
/// of this header). Every rank calls it at the same point with the same
/// options; `store_owner` is the tracker on rank 0 and nullptr elsewhere.
/// Returns on every rank: the value (fn's own on a miss, rank 0's stored
/// value on a hit), the record (rank 0's; on a hit each rank's copy of the
/// hit record, with rank 0's run id), the outputs and whether it was a hit.
template <class Adapter = reflect_adapter, class Fn, class... Opts>
auto run(MPI_Comm comm, tracker* store_owner, Fn&& fn, const Opts&... opts) {
  detail::mpi_transport transport(comm);
  try {
    return detail::run_on_ranks<Adapter>(transport, store_owner, std::forward<Fn>(fn), opts...);
  } catch (const detail::mpi_verdict_raised& v) {
    detail::raise_verdict(v.verdict, v.local);
  }
}

}  // namespace mpi

}  // namespace consist::inline v0
