// expect: CONSIST_SPAN.name. requires 'name' to be a string literal
// A span's name must be a string literal: its site descriptor is a constant.
#include <consist/spans.hpp>

#include <string>

#ifdef CONSIST_CF_CONTROL
void step() {
  CONSIST_SPAN("solve");
  CONSIST_COUNT("visit");
}
#else
void step(const std::string& name) { CONSIST_SPAN(name); }
#endif
