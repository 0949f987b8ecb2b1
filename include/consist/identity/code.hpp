#pragma once
// Code identity: which code produced a run. In order of preference:
//   1. an explicit version the caller passes (mode explicit_version);
//   2. the git commit, plus a digest of uncommitted changes, embedded at build
//      time by the CMake function consist_embed_code_identity() (mode git);
//   3. the GNU build-id of the running executable (mode build_id).
// A step whose code is in a shared library rather than in the main program
// (the call to run or trace is compiled into the library) is identified by
// that library's own embedded git identity, else its build-id, unless an
// explicit version is given: the program's identity would not change when
// only the library does.
// When none is available the answer is an identity_error, never "unknown": a
// cache keyed on an unknown code version would serve results of other code.

#include <consist/detail/config.hpp>
#include <consist/detail/elf_build_id.hpp>
#include <consist/detail/hex.hpp>
#include <consist/error.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Defined by the source file consist_embed_code_identity() generates, as
// "git:<value>". Weak, so a program built without it links (the address is
// then null) and falls back to its build-id.
extern "C" {
[[gnu::weak]] extern const char consist_v0_embedded_code_identity[];
}

namespace consist::inline v0 {

/// Where a code identity came from; recorded with every run.
enum class code_mode { git, build_id, explicit_version };

constexpr std::string_view to_string(code_mode mode) noexcept {
  switch (mode) {
    case code_mode::git: return "git";
    case code_mode::build_id: return "build_id";
    case code_mode::explicit_version: return "explicit";
  }
  return "invalid";
}

/// The identity of the running code. `value` is, per mode: the commit sha with
/// "+dirty:<32 hex>" appended when the tree had uncommitted changes; the
/// build-id in lowercase hex; or the caller's version string.
struct code_identity {
  code_mode mode;
  std::string value;

  /// SipHash-128 of the mode and value, each length-prefixed: the same value
  /// reached by two modes is two identities.
  CONSIST_DECL std::array<std::uint8_t, 16> digest() const;

  friend bool operator==(const code_identity&, const code_identity&) = default;
};

namespace detail {

inline constexpr std::string_view embedded_git_prefix = "git:";
inline constexpr std::string_view dirty_marker = "+dirty:";

/// True for "<sha1 or sha256 hex>" optionally followed by "+dirty:<32 hex>",
/// the only shape the CMake function writes.
constexpr bool is_git_identity_value(std::string_view v) noexcept {
  const std::size_t mark = v.find(dirty_marker);
  const std::string_view sha = v.substr(0, mark);
  if ((sha.size() != 40 && sha.size() != 64) || !is_lower_hex(sha)) return false;
  if (mark == std::string_view::npos) return true;
  const std::string_view dirty = v.substr(mark + dirty_marker.size());
  return dirty.size() == 32 && is_lower_hex(dirty);
}

/// The decision between the build-time sources, separated from where they are
/// read so that every branch can be tested. `embedded` is null when the
/// program was not built with consist_embed_code_identity().
CONSIST_DECL code_identity resolve_code_identity(const char* embedded,
                                                 const std::optional<std::vector<std::uint8_t>>& build_id);

/// The identity found in this process, computed once (a function-local static
/// is initialised once, thread-safely; a throw leaves it to the next call).
CONSIST_DECL const code_identity& detected_code_identity();

/// The identity of code that lies outside the main program, in a shared
/// library (a plugin, a language extension), as the main program's identity
/// says nothing of it: the git identity consist_embed_code_identity() embedded
/// in that library, else the library's build-id; an identity_error naming the
/// library when it has neither. Remembered per loaded library until the
/// process loads or unloads one.
CONSIST_DECL code_identity shared_library_code_identity(const void* code);

}  // namespace detail

/// The identity of the running code: `explicit_version` when given, else the
/// embedded git identity, else the executable's build-id; identity_error when
/// none exists.
CONSIST_DECL code_identity current_code_identity(std::optional<std::string> explicit_version = {});

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/identity/impl/code.ipp>
#endif
