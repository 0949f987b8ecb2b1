#pragma once
// Run ids: "<name>_<8 hex>". The suffixes a thread draws are consecutive
// from a random start (so its runs are stored side by side); the store
// refuses to reuse an id, and the caller draws again after a collision, from
// a new random start (32 bits collide in large stores).

#include <consist/detail/config.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace consist::inline v0::detail {

enum class run_id_draw : std::uint8_t { next, after_collision };

CONSIST_DECL std::string make_run_id(std::string_view name, run_id_draw draw = run_id_draw::next);

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/run_id.ipp>
#endif
