#pragma once
// Body of <consist/detail/elf_build_id.hpp>.

#include <consist/detail/elf_build_id.hpp>

#include <elf.h>
#include <link.h>

#include <cstring>

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

std::optional<std::vector<std::uint8_t>> main_program_build_id() {
  std::optional<std::vector<std::uint8_t>> found;
  // dl_iterate_phdr visits the main program first; stop after it.
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* out) -> int {
        auto& result = *static_cast<std::optional<std::vector<std::uint8_t>>*>(out);
        for (ElfW(Half) i = 0; i < info->dlpi_phnum && !result; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_NOTE) continue;
          const auto* base = reinterpret_cast<const std::uint8_t*>(info->dlpi_addr + ph.p_vaddr);
          result = find_gnu_build_id({base, static_cast<std::size_t>(ph.p_memsz)},
                                     static_cast<std::size_t>(ph.p_align));
        }
        return 1;
      },
      &found);
  return found;
}

}  // namespace consist::inline v0::detail
