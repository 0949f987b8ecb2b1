#pragma once
// The messages the ranks of an MPI run exchange (consist/mpi.hpp), and how
// an error crosses from one rank to the others. Each message is a reflected
// struct sent as consist::serialize bytes (format byte and schema hash
// included), so a rank decodes it with the library's own checked decoding.
// Nothing here calls MPI: mpi.hpp moves the bytes.
//
//   mpi_context     rank 0 -> all   the tracker settings that enter identity
//   rank_identity   all -> rank 0   a rank's identity, on disagreement only
//   mpi_verdict     rank 0 -> all   why the ranks cannot run together
//   mpi_decision    rank 0 -> all   hit (with the stored value) or miss
//   rank_report     all -> rank 0   after fn: failure, value digest, spans
//   mpi_outcome     rank 0 -> all   the run's end: its record, or its error

#include <consist/encode/canonical.hpp>
#include <consist/encode/serialize.hpp>
#include <consist/error.hpp>
#include <consist/identity/fingerprint.hpp>
#include <consist/span_stat.hpp>

#include <boost/hana/define_struct.hpp>

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace consist::inline v0::detail {

using string_pairs = std::vector<std::pair<std::string, std::string>>;

/// The consist::error subclass an error was, so that another rank raises the same one.
enum class wire_error_kind : std::uint8_t { none, usage, store, integrity, not_found, identity, output, other };

struct wire_error {
  BOOST_HANA_DEFINE_STRUCT(wire_error, (wire_error_kind, kind), (std::string, problem), (std::string, cause),
                           (std::string, fix));
};

/// The settings of rank 0's tracker that the other ranks need to compute the
/// same identity and to execute as rank 0 does.
struct mpi_context {
  BOOST_HANA_DEFINE_STRUCT(mpi_context, (bool, has_tracker), (hashing_mode, hashing),
                           (std::optional<std::string>, code_version), (std::string, run_dir), (bool, tracing));
};

struct rank_identity {
  BOOST_HANA_DEFINE_STRUCT(rank_identity, (wire_error, problem),  // kind none: the identity below is valid
                           (std::string, identity_json), (string_pairs, config_fields));
};

enum class verdict_kind : std::uint8_t { mismatch, failure };

struct mpi_verdict {
  BOOST_HANA_DEFINE_STRUCT(mpi_verdict, (verdict_kind, kind), (std::string, problem), (std::string, cause),
                           (std::string, fix), (std::vector<std::int32_t>, ranks),
                           (std::vector<std::string>, components));
};

enum class decision_kind : std::uint8_t { hit, miss, error };

struct mpi_decision {
  BOOST_HANA_DEFINE_STRUCT(mpi_decision, (decision_kind, kind), (std::string, run_id), (std::string, cache_source),
                           (std::vector<std::uint8_t>, value),  // on a hit: the stored bytes
                           (string_pairs, outputs),             // on a hit: key -> artifact JSON text
                           (wire_error, error));
};

/// A span_stat on the wire.
struct wire_span {
  BOOST_HANA_DEFINE_STRUCT(wire_span, (std::string, name), (std::string, file), (std::uint32_t, line), (bool, timed),
                           (std::uint64_t, count), (std::uint64_t, total_ns), (std::uint64_t, min_ns),
                           (std::uint64_t, max_ns), (std::uint32_t, threads));
};

struct rank_report {
  BOOST_HANA_DEFINE_STRUCT(rank_report, (bool, failed), (wire_error, error),
                           (std::optional<digest128>, value_digest),  // unset for void
                           (std::vector<wire_span>, spans),
                           (std::string, spans_error));  // why the spans are missing, when they are
};

enum class outcome_kind : std::uint8_t { completed, failed, error };

struct mpi_outcome {
  BOOST_HANA_DEFINE_STRUCT(mpi_outcome, (outcome_kind, kind),
                           (std::string, record),  // completed: the record rank 0 stored (JSON text)
                           (string_pairs, outputs),  // completed: key -> artifact JSON text
                           (mpi_verdict, failure),  // failed: the ranks that failed and why
                           (wire_error, error));    // error: what went wrong on rank 0
};

inline wire_span to_wire(const span_stat& s) {
  return {s.name, s.file, s.line, s.timed, s.count, s.total_ns, s.min_ns, s.max_ns, s.threads};
}

inline span_stat from_wire(const wire_span& w) {
  span_stat s;
  s.name = w.name;
  s.file = w.file;
  s.line = w.line;
  s.timed = w.timed;
  s.count = w.count;
  s.total_ns = w.total_ns;
  s.min_ns = w.min_ns;
  s.max_ns = w.max_ns;
  s.threads = w.threads;
  return s;
}

/// The error `e` holds, as another rank can raise it.
inline wire_error capture_error(std::exception_ptr e) {
  const auto parts = [](wire_error_kind k, const error& x) {
    return wire_error{k, x.problem(), x.likely_cause(), x.suggested_fix()};
  };
  try {
    std::rethrow_exception(e);
  } catch (const usage_error& x) {
    return parts(wire_error_kind::usage, x);
  } catch (const store_error& x) {
    return parts(wire_error_kind::store, x);
  } catch (const integrity_error& x) {
    return parts(wire_error_kind::integrity, x);
  } catch (const not_found_error& x) {
    return parts(wire_error_kind::not_found, x);
  } catch (const identity_error& x) {
    return parts(wire_error_kind::identity, x);
  } catch (const output_error& x) {
    return parts(wire_error_kind::output, x);
  } catch (const error& x) {
    return parts(wire_error_kind::other, x);
  } catch (const std::exception& x) {
    return {wire_error_kind::other, x.what(), "the step threw an exception that is not a consist::error",
            "see the problem above; it was raised by the step's own code"};
  } catch (...) {
    return {wire_error_kind::other, "an exception not derived from std::exception",
            "the step threw a value that is not an exception class", "throw classes derived from std::exception"};
  }
}

/// Throws the consist::error subclass `e` was captured from.
[[noreturn]] inline void raise_error(const wire_error& e) {
  switch (e.kind) {
    case wire_error_kind::usage: throw usage_error(e.problem, e.cause, e.fix);
    case wire_error_kind::store: throw store_error(e.problem, e.cause, e.fix);
    case wire_error_kind::integrity: throw integrity_error(e.problem, e.cause, e.fix);
    case wire_error_kind::not_found: throw not_found_error(e.problem, e.cause, e.fix);
    case wire_error_kind::identity: throw identity_error(e.problem, e.cause, e.fix);
    case wire_error_kind::output: throw output_error(e.problem, e.cause, e.fix);
    case wire_error_kind::none:
    case wire_error_kind::other: break;
  }
  throw error(e.problem, e.cause, e.fix);
}

}  // namespace consist::inline v0::detail
