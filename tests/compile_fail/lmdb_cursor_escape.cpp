// expect: cannot be copied or moved out of txn::with_cursor
// A cursor that left with_cursor would outlive its transaction.
#include <consist/store/lmdb.hpp>

#include <utility>

bool use(const consist::lmdb::txn& t) {
#ifdef CONSIST_CF_CONTROL
  return t.with_cursor(t.main_db(), [](consist::lmdb::cursor& c) { return c.first().has_value(); });
#else
  auto escaped = t.with_cursor(t.main_db(), [](consist::lmdb::cursor& c) { return std::move(c); });
  return escaped.first().has_value();
#endif
}
