#pragma once
// Run ids: "<name>_<8 hex>". The suffix is random; the store refuses to
// reuse an id, and the caller draws again (32 bits collide in large stores).

#include <consist/detail/config.hpp>

#include <string>
#include <string_view>

namespace consist::inline v0::detail {

CONSIST_DECL std::string make_run_id(std::string_view name);

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/run_id.ipp>
#endif
