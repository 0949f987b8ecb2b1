// The consumer's second unit: it includes <consist.hpp> as well, so the
// library's functions are used from two units of one program.
#include <consist.hpp>

#include <cstddef>

std::size_t stored_runs(consist::tracker& t) {
  t.flush();  // the hit's record is queued for the background writer
  return t.store().run_count();
}
