#pragma once
// The process-wide span registry: the sites seen so far, the live thread
// tables, the stack of active collections and the tracing switch. Everything
// here runs on cold paths (a site's or a thread's first span, the start and
// end of a collection, thread exit) under one mutex; the hot path only reads
// active_span_tag and its own thread's table.
//
// Attribution works by epochs. Each time the current collection changes
// (one starts, one ends) the registry harvests the slots tagged with the
// current epoch into the collection that owned it and publishes a new tag.
// Slots still carrying an older tag are stale and restart on their next hit.

#include <consist/detail/config.hpp>
#include <consist/detail/span_clock.hpp>
#include <consist/detail/span_site.hpp>
#include <consist/detail/span_table.hpp>
#include <consist/span_stat.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace consist::inline v0::detail {

/// One site's totals within one collection, over threads and epochs.
struct span_site_totals {
  span_slot_snapshot stats;
  std::vector<std::uint64_t> threads;  // thread serials; duplicates removed at the end

  CONSIST_DECL void merge(const span_slot_snapshot& s, std::uint64_t thread_serial);
};

/// What a span_collection owns: its totals, indexed by site.
struct span_collection_state {
  std::vector<span_site_totals> sites;
};

/// The value of CONSIST_TRACING: unset or empty means on.
CONSIST_DECL bool parse_tracing_switch(const char* value);

class span_registry {
 public:
  /// Never destroyed: a thread may exit, and fold its table, after static
  /// destructors have run.
  static span_registry& instance() {
    static span_registry* const registry = new span_registry;
    return *registry;
  }

  /// The process has one registry, instance(). Another one, with a smaller
  /// `capacity`, exists only to exercise the full-registry path without 16k
  /// sites; it shares active_span_tag, so it may collect only while the
  /// process's registry does not.
  explicit span_registry(std::uint32_t capacity = span_site_capacity) noexcept
      : capacity_(capacity < span_site_capacity ? capacity : span_site_capacity) {}
  span_registry(const span_registry&) = delete;
  span_registry& operator=(const span_registry&) = delete;

  /// Assigns the site's index, or refused_span_site when the registry is
  /// full. Never throws (the hot path is noexcept, so it has no unwinding
  /// state to keep): the refusal is reported by every finish() instead.
  CONSIST_DECL std::uint32_t register_site(span_handle& handle) noexcept;

  /// Creates the calling thread's table and arranges its fold at thread exit.
  CONSIST_DECL thread_span_table* attach_thread() noexcept;

  /// Folds an exiting thread's slots into the collection that owns the
  /// current epoch, so its spans are not lost, then frees the table. (Out of
  /// memory here ends the process: a thread-exit handler cannot report it.)
  CONSIST_DECL void retire_thread(thread_span_table* table) noexcept;

  CONSIST_DECL void begin(span_collection_state& state);

  CONSIST_DECL std::vector<span_stat> end(span_collection_state& state);

  /// Ends a collection whose results nobody will read (destroyed unfinished);
  /// without a harvest nothing here allocates.
  CONSIST_DECL void abandon(span_collection_state& state) noexcept;

  CONSIST_DECL void set_tracing_enabled(bool on);

  CONSIST_DECL bool tracing_enabled();

 private:
  [[noreturn]] CONSIST_DECL void throw_refused_locked() const;

  CONSIST_DECL void resolve_switch_locked();

  CONSIST_DECL void advance_epoch_locked(const span_clock_calibration& clock) noexcept;

  CONSIST_DECL void publish_locked() noexcept;

  /// Takes `state` off the stack. Only the top owns the current epoch: it is
  /// harvested (when `harvest`), and whoever is below takes a fresh epoch.
  /// A collection further down already received everything up to the moment
  /// it lost the top, so it leaves without a harvest.
  CONSIST_DECL void remove_locked(span_collection_state& state, bool harvest);

  CONSIST_DECL void harvest_locked(span_collection_state& state);

  CONSIST_DECL void harvest_table_locked(const thread_span_table& table, span_collection_state& state);

  CONSIST_DECL static span_stat to_stat(const span_site& site, span_site_totals& totals,
                                        const span_clock_calibration& clock);

  const std::uint32_t capacity_;
  std::mutex mutex_;
  std::vector<const span_site*> sites_;                // by site index
  std::vector<thread_span_table*> threads_;            // live threads that hit a site
  std::vector<span_collection_state*> collections_;    // active, oldest first
  std::uint64_t epoch_ = 0;
  std::uint64_t current_tag_ = 0;
  std::uint64_t thread_serials_ = 0;
  std::optional<bool> tracing_;  // unset until set_tracing_enabled or the environment decides
  const span_site* refused_ = nullptr;  // the first site that did not fit
};

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/span_registry.ipp>
#endif
