#pragma once
// Body of <consist/detail/elf_build_id.hpp>.

#include <consist/detail/elf_build_id.hpp>

#include <elf.h>
#include <link.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

namespace consist::inline v0::detail {

std::optional<std::vector<std::uint8_t>> find_gnu_build_id(std::span<const std::uint8_t> notes, std::size_t align) {
  if (align < 4) align = 4;  // the gABI minimum; some linkers write 0 or 1
  const auto pad = [align](std::size_t n) { return (n + align - 1) / align * align; };
  std::size_t at = 0;
  while (notes.size() - at >= sizeof(ElfW(Nhdr))) {
    ElfW(Nhdr) header;
    std::memcpy(&header, notes.data() + at, sizeof header);
    const std::size_t name_at = at + sizeof header;
    if (header.n_namesz > notes.size() - name_at) return std::nullopt;
    // Padding is to offsets within the segment, which starts aligned.
    const std::size_t desc_at = pad(name_at + header.n_namesz);
    if (desc_at > notes.size() || header.n_descsz > notes.size() - desc_at) return std::nullopt;
    static constexpr char owner[] = "GNU";  // with its terminating NUL, as stored
    if (header.n_type == NT_GNU_BUILD_ID && header.n_namesz == sizeof owner &&
        std::memcmp(notes.data() + name_at, owner, sizeof owner) == 0 && header.n_descsz > 0) {
      const auto desc = notes.subspan(desc_at, header.n_descsz);
      return std::vector<std::uint8_t>(desc.begin(), desc.end());
    }
    at = pad(desc_at + header.n_descsz);
    if (at > notes.size()) return std::nullopt;
  }
  return std::nullopt;
}

/// The build-id in an object's note segments.
inline std::optional<std::vector<std::uint8_t>> build_id_of(const dl_phdr_info& info) {
  for (ElfW(Half) i = 0; i < info.dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info.dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const auto* base = reinterpret_cast<const std::uint8_t*>(info.dlpi_addr + ph.p_vaddr);
    if (auto id = find_gnu_build_id({base, static_cast<std::size_t>(ph.p_memsz)}, static_cast<std::size_t>(ph.p_align)))
      return id;
  }
  return std::nullopt;
}

/// The span of an object's loadable segments.
inline std::pair<std::uintptr_t, std::uintptr_t> loaded_span(const dl_phdr_info& info) noexcept {
  std::uintptr_t lo = UINTPTR_MAX, hi = 0;
  for (ElfW(Half) i = 0; i < info.dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info.dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    const std::uintptr_t at = info.dlpi_addr + ph.p_vaddr;
    lo = std::min(lo, at);
    hi = std::max(hi, at + ph.p_memsz);
  }
  return {lo, hi};
}

bool in_main_program(const void* code) noexcept {
  // dl_iterate_phdr visits the main program first; it is never unloaded.
  static const std::pair<std::uintptr_t, std::uintptr_t> main_span = [] {
    std::pair<std::uintptr_t, std::uintptr_t> span{0, 0};
    dl_iterate_phdr(
        [](dl_phdr_info* info, std::size_t, void* out) -> int {
          *static_cast<std::pair<std::uintptr_t, std::uintptr_t>*>(out) = loaded_span(*info);
          return 1;
        },
        &span);
    return span;
  }();
  const auto at = reinterpret_cast<std::uintptr_t>(code);
  return at >= main_span.first && at < main_span.second;
}

std::optional<loaded_object> object_containing(const void* code) {
  struct search {
    std::uintptr_t at;
    std::optional<loaded_object> found;
  } s{reinterpret_cast<std::uintptr_t>(code), std::nullopt};
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* out) -> int {
        auto& s = *static_cast<search*>(out);
        for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          const std::uintptr_t at = info->dlpi_addr + ph.p_vaddr;
          if (ph.p_type != PT_LOAD || s.at < at || s.at - at >= ph.p_memsz) continue;
          const auto [lo, hi] = loaded_span(*info);
          s.found = loaded_object{info->dlpi_name ? info->dlpi_name : "", lo, hi, build_id_of(*info)};
          return 1;
        }
        return 0;
      },
      &s);
  return s.found;
}

unsigned long long loaded_objects_generation() noexcept {
  unsigned long long generation = 0;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t size, void* out) -> int {
        if (size >= offsetof(dl_phdr_info, dlpi_subs) + sizeof info->dlpi_subs)
          *static_cast<unsigned long long*>(out) = info->dlpi_adds + info->dlpi_subs;
        return 1;
      },
      &generation);
  return generation;
}

std::optional<std::vector<std::uint8_t>> main_program_build_id() {
  std::optional<std::vector<std::uint8_t>> found;
  // dl_iterate_phdr visits the main program first; stop after it.
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* out) -> int {
        *static_cast<std::optional<std::vector<std::uint8_t>>*>(out) = build_id_of(*info);
        return 1;
      },
      &found);
  return found;
}

}  // namespace consist::inline v0::detail
