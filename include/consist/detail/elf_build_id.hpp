#pragma once
// The GNU build-id of the running executable, read from its loaded program
// headers (the NT_GNU_BUILD_ID note the linker writes with --build-id). Reading
// memory rather than /proc/self/exe gives the id of the code actually running,
// even if the file was replaced after start.

#include <consist/detail/config.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace consist::inline v0::detail {

/// The descriptor of the first NT_GNU_BUILD_ID note with owner "GNU" in a note
/// segment whose entries are padded to `align` bytes; nullopt if there is none
/// or the segment is malformed (a truncated note is not trusted).
CONSIST_DECL std::optional<std::vector<std::uint8_t>> find_gnu_build_id(std::span<const std::uint8_t> notes,
                                                                        std::size_t align);

/// The build-id of the main program, or nullopt when it was linked without one.
CONSIST_DECL std::optional<std::vector<std::uint8_t>> main_program_build_id();

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/elf_build_id.ipp>
#endif
