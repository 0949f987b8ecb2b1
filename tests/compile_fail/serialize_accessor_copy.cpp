// expect: through an accessor that returns a copy .*BOOST_HANA_ADAPT_STRUCT
// A struct reflected through a getter that returns a copy (BOOST_HANA_ADAPT_ADT):
// a restored value would be assigned to the copy and lost.
#include "cf_types.hpp"

#ifdef CONSIST_CF_CONTROL
adt_by_reference restore(std::span<const std::uint8_t> bytes) { return consist::deserialize<adt_by_reference>(bytes); }
#else
adt_by_copy restore(std::span<const std::uint8_t> bytes) { return consist::deserialize<adt_by_copy>(bytes); }
#endif
