#pragma once
// Hot-loop timing spans.
//
//   CONSIST_SPAN("solve");    // times the rest of the enclosing block
//   CONSIST_COUNT("retry");   // counts, no timer
//
// Each call site aggregates, per thread, count and total/min/max duration with
// no lock, allocation or system call on the hot path. Timestamps come from the
// TSC where cpuid reports it invariant (calibrated once against steady_clock),
// else from steady_clock. The argument must be a string literal: the site's
// descriptor is a `static constexpr` record built at compile time.
//
// Switches:
//   - CONSIST_NO_TRACING defined before this header: the macros generate no
//     code at all (only the string-literal check remains, a static_assert).
//   - At run time, set_tracing_enabled(false), or CONSIST_TRACING=0 in the
//     environment (read once, on the first collection; set_tracing_enabled
//     overrides it): a span costs a load and a predictable branch when it
//     opens and a test of its saved timestamp when it closes; a count costs
//     the load and the branch. Spans while no collection is active cost the
//     same and count nowhere.
//
// Collections (what a run or trace uses to obtain its spans):
//
//   consist::span_collection spans;           // starts collecting
//   ... the run's work, on any threads ...
//   std::vector<consist::span_stat> s = spans.finish();
//
// finish() returns every site hit during the collection, all threads merged
// (`threads` = distinct threads that closed a span there), sorted by total
// time, longest first (then by count). Counters start from zero for the next
// collection. A thread that exits before finish() is not lost: its table is
// folded into the collection active at its exit.
//
// Attribution (the same for every thread in the process):
//   - A span counts toward the collection that is current when the span
//     CLOSES; a span that closes while none is active counts nowhere, and so
//     does one that OPENED while none was active. A span open across the
//     start or finish of a nested collection is counted whole, for the
//     collection current when it closes.
//   - "Current" is the most recently started collection not yet finished.
//     Nested collections (a run inside a run): the inner one takes what closes
//     while it is active; the outer one keeps what closes before it started
//     and after it finished.
//   - Collections one after the other each get only their own spans.
//   - Collections active at the same time on different threads are safe (no
//     data race), but attribution stays process-wide: every span, from any
//     thread, goes to the most recently started of them; when that one
//     finishes, the next most recent receives the spans from then on. Each
//     span is counted in at most one collection. A span that closes at the
//     very instant another thread starts or finishes a collection may be
//     dropped, or counted without its duration (the window is a few
//     instructions); spans whose threads are joined before finish() are exact.
//
// Not for constexpr functions (a span declares static locals). A process has
// room for detail::span_site_capacity distinct sites (each template
// instantiation of a function with a span is a site of its own); sites beyond
// that count nowhere and make every finish() throw consist::usage_error.

#include <consist/detail/config.hpp>
#include <consist/detail/span_clock.hpp>
#include <consist/detail/span_registry.hpp>
#include <consist/detail/span_scope.hpp>
#include <consist/detail/span_site.hpp>
#include <consist/error.hpp>
#include <consist/span_stat.hpp>

#include <memory>
#include <string_view>
#include <vector>

namespace consist::inline v0 {

/// Turns spans on or off for the whole process, overriding CONSIST_TRACING.
/// Spans that close while tracing is off are not counted by any collection.
inline void set_tracing_enabled(bool on) { detail::span_registry::instance().set_tracing_enabled(on); }

/// Whether spans are recorded (set_tracing_enabled, else CONSIST_TRACING,
/// else true). Throws usage_error when CONSIST_TRACING holds no switch value.
inline bool tracing_enabled() { return detail::span_registry::instance().tracing_enabled(); }

/// The clock behind span durations, "tsc" or "steady_clock", for a run
/// record's provenance (calibrates the TSC on first use, a 2 ms busy wait).
inline std::string_view span_clock_source() { return detail::span_clock().source(); }

/// Collects the spans of one run or trace: constructed when it begins,
/// finish() when it ends. Movable; destroying it unfinished discards its spans.
class span_collection {
 public:
  /// Starts collecting. Throws usage_error when CONSIST_TRACING is invalid.
  CONSIST_DECL span_collection();

  span_collection(span_collection&&) noexcept = default;
  CONSIST_DECL span_collection& operator=(span_collection&& other) noexcept;
  span_collection(const span_collection&) = delete;
  span_collection& operator=(const span_collection&) = delete;
  ~span_collection() { abandon(); }

  /// True from construction until finish() (or a move away).
  [[nodiscard]] bool collecting() const noexcept { return state_ != nullptr; }

  /// Stops collecting and returns the sites hit, longest total first.
  /// Throws usage_error when the process had more sites than fit.
  [[nodiscard]] CONSIST_DECL std::vector<span_stat> finish();

 private:
  CONSIST_DECL void abandon() noexcept;

  std::unique_ptr<detail::span_collection_state> state_;
};

}  // namespace consist::inline v0

// The argument check both modes share; a static_assert generates no code.
#define CONSIST_DETAIL_SPAN_REQUIRE_LITERAL(macro, name)                              \
  static_assert(::consist::detail::is_span_literal<decltype(name)>,                   \
                macro "(name) requires 'name' to be a string literal, as in " macro   \
                      "(\"solve\"): the site's name is fixed at compile time; use "   \
                      "one span per distinct name")

#if defined(CONSIST_NO_TRACING)

#define CONSIST_SPAN(name) CONSIST_DETAIL_SPAN_REQUIRE_LITERAL("CONSIST_SPAN", name)
#define CONSIST_COUNT(name) CONSIST_DETAIL_SPAN_REQUIRE_LITERAL("CONSIST_COUNT", name)

#else

// __COUNTER__ is expanded once and passed down, so the three names a span
// declares share one suffix and several spans fit in one block (or one line).
#define CONSIST_SPAN(name) CONSIST_DETAIL_SPAN_(name, __COUNTER__)
#define CONSIST_COUNT(name) CONSIST_DETAIL_COUNT_(name, __COUNTER__)

#define CONSIST_DETAIL_SPAN_(name, id) CONSIST_DETAIL_SPAN_DECLARE(name, id)
#define CONSIST_DETAIL_SPAN_DECLARE(name, id)                                                     \
  CONSIST_DETAIL_SPAN_REQUIRE_LITERAL("CONSIST_SPAN", name);                                      \
  static constexpr ::consist::detail::span_site consist_span_site_##id{                           \
      ::consist::detail::span_literal_or_empty(name), __FILE__, __LINE__, true};                  \
  static constinit ::consist::detail::span_handle consist_span_handle_##id{consist_span_site_##id}; \
  const ::consist::detail::span_scope<&consist_span_handle_##id> consist_span_scope_##id

#define CONSIST_DETAIL_COUNT_(name, id) CONSIST_DETAIL_COUNT_DECLARE(name, id)
#define CONSIST_DETAIL_COUNT_DECLARE(name, id)                                                    \
  do {                                                                                            \
    CONSIST_DETAIL_SPAN_REQUIRE_LITERAL("CONSIST_COUNT", name);                                   \
    static constexpr ::consist::detail::span_site consist_count_site_##id{                        \
        ::consist::detail::span_literal_or_empty(name), __FILE__, __LINE__, false};               \
    static constinit ::consist::detail::span_handle consist_count_handle_##id{                    \
        consist_count_site_##id};                                                                 \
    ::consist::detail::span_count_hit(consist_count_handle_##id);                                 \
  } while (false)

#endif

#if CONSIST_INCLUDE_IMPL
#include <consist/impl/spans.ipp>
#endif
