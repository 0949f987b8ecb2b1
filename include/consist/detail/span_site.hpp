#pragma once
// One CONSIST_SPAN / CONSIST_COUNT call site: a `static constexpr` descriptor
// (what the site is) and a constant-initialised handle (where its per-thread
// slot lives). Both are function-local statics the macros declare, so naming
// a site costs no code at run time.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace consist::inline v0::detail {

struct span_site {
  const char* name;
  const char* file;
  std::uint32_t line;
  bool timed;  // false for CONSIST_COUNT
};

inline constexpr std::uint32_t unregistered_span_site = 0xFFFF'FFFFu;
/// A site that arrived after the registry was full: it counts nowhere, and
/// every span_collection::finish() reports it.
inline constexpr std::uint32_t refused_span_site = 0xFFFF'FFFEu;

/// The site's dense index in the process-wide registry, assigned on its first
/// use during a collection; it selects the slot in every thread's table.
struct span_handle {
  const span_site& site;
  std::atomic<std::uint32_t> index{unregistered_span_site};

  explicit constexpr span_handle(const span_site& s) noexcept : site(s) {}
  span_handle(const span_handle&) = delete;
  span_handle& operator=(const span_handle&) = delete;
};

/// True only for the type of a string literal (`decltype("x")` is
/// `const char(&)[2]`; a named array or a pointer is not a reference to array).
template <class T>
inline constexpr bool is_span_literal = false;
template <std::size_t N>
inline constexpr bool is_span_literal<const char (&)[N]> = true;

/// The name stored in the descriptor. For a non-literal it yields "" so that
/// the static_assert in the macro is the only diagnostic the user sees.
template <class T>
constexpr const char* span_literal_or_empty(const T& name) noexcept {
  if constexpr (std::is_array_v<T> &&
                std::is_same_v<std::remove_cv_t<std::remove_extent_t<T>>, char>) {
    return name;
  } else {
    return "";
  }
}

}  // namespace consist::inline v0::detail
