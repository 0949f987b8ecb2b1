#pragma once
// The GNU build-id of the running executable, or of the shared library that
// holds a given piece of code, read from its loaded program headers (the
// NT_GNU_BUILD_ID note the linker writes with --build-id). Reading memory
// rather than the file gives the id of the code actually running, even if the
// file was replaced after start.

#include <consist/detail/config.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace consist::inline v0::detail {

/// The descriptor of the first NT_GNU_BUILD_ID note with owner "GNU" in a note
/// segment whose entries are padded to `align` bytes; nullopt if there is none
/// or the segment is malformed (a truncated note is not trusted).
CONSIST_DECL std::optional<std::vector<std::uint8_t>> find_gnu_build_id(std::span<const std::uint8_t> notes,
                                                                        std::size_t align);

/// The build-id of the main program, or nullopt when it was linked without one.
CONSIST_DECL std::optional<std::vector<std::uint8_t>> main_program_build_id();

/// True when `code` lies in a segment the main program loaded (not in a
/// shared library). The main program's segments are read once.
CONSIST_DECL bool in_main_program(const void* code) noexcept;

/// A loaded object (the main program or a shared library) and its build-id.
struct loaded_object {
  std::string name;  // its file name as the dynamic loader has it ("" for the main program)
  std::uintptr_t begin = 0, end = 0;  // the span of its loaded segments
  std::optional<std::vector<std::uint8_t>> build_id;
};

/// The loaded object one of whose segments holds `code`; nullopt when none does.
CONSIST_DECL std::optional<loaded_object> object_containing(const void* code);

/// How many objects the process has loaded and unloaded so far: a change means
/// an address may now belong to another object.
CONSIST_DECL unsigned long long loaded_objects_generation() noexcept;

/// An address in the code of the function that calls this one.
[[gnu::noinline]] inline const void* calling_code() noexcept { return __builtin_return_address(0); }

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/elf_build_id.ipp>
#endif
