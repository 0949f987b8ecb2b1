#pragma once
// Random run records for byte-for-byte checks of the JSON writers: strings
// with control bytes, quotes, backslashes, high bytes and UTF-8; random
// JSON in meta and config; optional fields present or absent; name -> digest
// lists long enough to repeat names.

#include <consist/record.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace consist_test {

/// Random text: mostly printable, with control bytes, quotes, backslashes,
/// high bytes and multi-byte UTF-8 mixed in.
inline std::string random_text(std::mt19937_64& g, std::size_t max_len = 24) {
  static const char* pieces[] = {"\"", "\\", "\n", "\t", "\b", "\f", "\r", "\x01", "\x1f", "\x7f",
                                 "/",  "é",  "漢", "🙂", "\xff", "\x80", " ", "{}", "[]", ":"};
  std::string s;
  const std::size_t n = g() % (max_len + 1);
  for (std::size_t i = 0; i < n; ++i) {
    const auto pick = g() % 4;
    if (pick == 0) s += pieces[g() % std::size(pieces)];
    else s += static_cast<char>(0x20 + g() % 95);
  }
  return s;
}

inline boost::json::value random_json(std::mt19937_64& g, int depth) {
  switch (g() % (depth > 2 ? 6 : 8)) {
    case 0: return nullptr;
    case 1: return g() % 2 == 0;
    case 2: return static_cast<std::int64_t>(g());
    case 3: return static_cast<std::uint64_t>(g());
    case 4: {
      const double pool[] = {0.0, -0.0, 0.1, 1.0, -2.5, 1e300, 5e-324, 123456.789, 1.0 / 3.0};
      return pool[g() % std::size(pool)];
    }
    case 5: return boost::json::string(random_text(g));
    case 6: {
      boost::json::array a;
      for (std::size_t i = g() % 4; i > 0; --i) a.push_back(random_json(g, depth + 1));
      return a;
    }
    default: {
      boost::json::object o;
      for (std::size_t i = g() % 4; i > 0; --i) o[random_text(g, 8)] = random_json(g, depth + 1);
      return o;
    }
  }
}

inline std::optional<std::int64_t> random_opt(std::mt19937_64& g) {
  if (g() % 3 == 0) return std::nullopt;
  const std::int64_t pool[] = {0, -1, 2024, std::numeric_limits<std::int64_t>::min(),
                               std::numeric_limits<std::int64_t>::max()};
  return pool[g() % std::size(pool)];
}

inline std::vector<std::pair<std::string, std::string>> random_pairs(std::mt19937_64& g, std::size_t max) {
  std::vector<std::pair<std::string, std::string>> v;
  for (std::size_t i = g() % (max + 1); i > 0; --i) v.emplace_back(random_text(g, 6), random_text(g));
  return v;
}

/// `r` (a fully populated record to start from, so the fields left alone
/// are not empty) with nearly every field drawn at random.
inline consist::run_record randomize_record(std::mt19937_64& g, consist::run_record r) {
  using namespace consist;
  r.id = random_text(g);
  r.parent_run_id = random_text(g);
  r.status = static_cast<run_status>(g() % 3);
  r.model_name = random_text(g);
  r.description = random_text(g, 80);
  r.year = random_opt(g);
  r.iteration = random_opt(g);
  r.tags.clear();
  for (std::size_t i = g() % 4; i > 0; --i) r.tags.push_back(random_text(g));
  r.meta.clear();
  for (std::size_t i = g() % 5; i > 0; --i) r.meta[random_text(g, 8)] = random_json(g, 0);
  r.config = random_json(g, 0);
  r.config_fields = random_pairs(g, 12);  // beyond 8 pairs the duplicate check takes another path
  r.identity.identity_inputs = random_pairs(g, 3);
  r.identity.inputs = random_pairs(g, 3);
  r.identity.year = random_opt(g);
  r.identity.schema_hash = g();
  r.identity.cache_epoch = g();
  r.identity.adapter_version = static_cast<std::uint32_t>(g());
  if (g() % 2) r.explanation.reset();
  else if (r.explanation) r.explanation->changed_config_fields.push_back(random_text(g));
  r.error = random_text(g, 60);
  r.cache_hit = g() % 2 == 0;
  r.cache_source = random_text(g);
  if (g() % 3 == 0) r.ended_at.reset();
  for (auto& s : r.span_stats) s.name = random_text(g);
  r.span_ranks.clear();
  if (g() % 2) {
    span_rank_stat s;
    s.name = random_text(g);
    s.file = random_text(g);
    s.count_sum = g();
    s.ranks = 4;
    r.span_ranks.push_back(s);
  }
  r.pid = static_cast<std::int64_t>(g());
  r.host = random_text(g);
  return r;
}

}  // namespace consist_test
