#pragma once
// The top-level fields in which two run records differ, named as in their
// JSON form: what a merge conflict or a snapshot disagreement reports.

#include <consist/detail/config.hpp>
#include <consist/record.hpp>

#include <string>

namespace consist::inline v0::detail {

/// "status, ended_at" for records that differ in those fields; empty when equal.
CONSIST_DECL std::string differing_fields(const run_record& a, const run_record& b);

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/record_diff.ipp>
#endif
