#pragma once
// Body of <consist/detail/span_registry.hpp>.

#include <consist/detail/span_registry.hpp>

#include <consist/error.hpp>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <tuple>

namespace consist::inline v0::detail {

void span_site_totals::merge(const span_slot_snapshot& s, std::uint64_t thread_serial) {
  if (stats.count == 0) {
    stats = s;
  } else {
    stats.count += s.count;
    stats.total += s.total;
    stats.min = std::min(stats.min, s.min);
    stats.max = std::max(stats.max, s.max);
  }
  threads.push_back(thread_serial);
}

bool parse_tracing_switch(const char* value) {
  if (value == nullptr) return true;
  const std::string_view v(value);
  if (v.empty() || v == "1" || v == "on" || v == "true" || v == "yes") return true;
  if (v == "0" || v == "off" || v == "false" || v == "no") return false;
  throw usage_error("CONSIST_TRACING is set to '" + std::string(v) + "', which is not a switch",
                    "the environment variable holds a value other than 0/1, off/on, false/true, no/yes",
                    "set CONSIST_TRACING=0 to turn spans off at run time, or 1 (or unset it) to keep them on");
}

std::uint32_t span_registry::register_site(span_handle& handle) noexcept {
  const std::lock_guard lock(mutex_);
  std::uint32_t index = handle.index.load(std::memory_order_relaxed);
  if (index != unregistered_span_site) return index;  // another thread won the race
  if (sites_.size() >= capacity_) {
    if (refused_ == nullptr) refused_ = &handle.site;
    index = refused_span_site;
  } else {
    index = static_cast<std::uint32_t>(sites_.size());
    sites_.push_back(&handle.site);
  }
  handle.index.store(index, std::memory_order_release);
  return index;
}

void span_registry::retire_thread(thread_span_table* table) noexcept {
  {
    const std::lock_guard lock(mutex_);
    if (!collections_.empty()) harvest_table_locked(*table, *collections_.back());
    std::erase(threads_, table);
  }
  delete table;
}

void span_registry::begin(span_collection_state& state) {
  const span_clock_calibration& clock = span_clock();  // may busy-wait 2 ms, once
  const std::lock_guard lock(mutex_);
  resolve_switch_locked();
  collections_.reserve(collections_.size() + 1);
  if (!collections_.empty()) harvest_locked(*collections_.back());
  advance_epoch_locked(clock);
  collections_.push_back(&state);
  publish_locked();
}

std::vector<span_stat> span_registry::end(span_collection_state& state) {
  const span_clock_calibration& clock = span_clock();
  std::vector<span_stat> out;
  {
    const std::lock_guard lock(mutex_);
    remove_locked(state, true);
    if (refused_ != nullptr) throw_refused_locked();
    for (std::size_t i = 0; i < state.sites.size(); ++i) {
      span_site_totals& totals = state.sites[i];
      if (totals.stats.count == 0) continue;
      out.push_back(to_stat(*sites_[i], totals, clock));
    }
  }
  state.sites.clear();
  std::sort(out.begin(), out.end(), [](const span_stat& a, const span_stat& b) {
    return std::tie(b.total_ns, b.count, a.name, a.file, a.line) <
           std::tie(a.total_ns, a.count, b.name, b.file, b.line);
  });
  return out;
}

void span_registry::abandon(span_collection_state& state) noexcept {
  const std::lock_guard lock(mutex_);
  remove_locked(state, false);
}

void span_registry::set_tracing_enabled(bool on) {
  const std::lock_guard lock(mutex_);
  tracing_ = on;
  publish_locked();
}

bool span_registry::tracing_enabled() {
  const std::lock_guard lock(mutex_);
  resolve_switch_locked();
  return *tracing_;
}

void span_registry::throw_refused_locked() const {
  throw usage_error("span site '" + std::string(refused_->name) + "' at " + refused_->file + ":" +
                        std::to_string(refused_->line) + " (and any after it) was not recorded: the " +
                        "process already has " + std::to_string(capacity_) +
                        " CONSIST_SPAN/CONSIST_COUNT sites",
                    "spans are generated in bulk (by a template, macro or code generator), one site "
                    "per instantiation or item",
                    "put one span around the generated code instead of one per item, or build that "
                    "code with -DCONSIST_NO_TRACING");
}

void span_registry::resolve_switch_locked() {
  if (!tracing_) tracing_ = parse_tracing_switch(std::getenv("CONSIST_TRACING"));
}

void span_registry::advance_epoch_locked(const span_clock_calibration& clock) noexcept {
  current_tag_ = make_span_tag(++epoch_, clock.kind == span_clock_kind::tsc);
}

void span_registry::publish_locked() noexcept {
  const bool on = tracing_.value_or(true) && !collections_.empty();
  active_span_tag.store(on ? current_tag_ : 0, std::memory_order_release);
}

void span_registry::remove_locked(span_collection_state& state, bool harvest) {
  const auto it = std::find(collections_.begin(), collections_.end(), &state);
  if (it == collections_.end()) return;
  if (it + 1 == collections_.end()) {
    if (harvest) harvest_locked(state);
    collections_.pop_back();
    advance_epoch_locked(span_clock());
  } else {
    collections_.erase(it);
  }
  publish_locked();
}

void span_registry::harvest_locked(span_collection_state& state) {
  for (thread_span_table* table : threads_) harvest_table_locked(*table, state);
}

void span_registry::harvest_table_locked(const thread_span_table& table, span_collection_state& state) {
  if (state.sites.size() < sites_.size()) state.sites.resize(sites_.size());
  span_slot_snapshot snapshot;
  for (std::uint32_t index = 0; index < sites_.size(); ++index) {
    const span_chunk* chunk =
        table.chunks[index / span_slots_per_chunk].load(std::memory_order_acquire);
    if (chunk == nullptr) {
      index += span_slots_per_chunk - 1 - index % span_slots_per_chunk;  // skip the chunk
      continue;
    }
    if (chunk->slots[index % span_slots_per_chunk].read(current_tag_, snapshot))
      state.sites[index].merge(snapshot, table.serial);
  }
}

span_stat span_registry::to_stat(const span_site& site, span_site_totals& totals,
                                 const span_clock_calibration& clock) {
  std::sort(totals.threads.begin(), totals.threads.end());
  const auto distinct = std::unique(totals.threads.begin(), totals.threads.end());
  span_stat s;
  s.name = site.name;
  s.file = site.file;
  s.line = site.line;
  s.timed = site.timed;
  s.count = totals.stats.count;
  if (site.timed) {
    s.total_ns = clock.to_ns(totals.stats.total);
    s.min_ns = clock.to_ns(totals.stats.min);
    s.max_ns = clock.to_ns(totals.stats.max);
  }
  s.threads = static_cast<std::uint32_t>(distinct - totals.threads.begin());
  return s;
}

/// Folds the thread's table into the registry when the thread exits. Only
/// the cold path touches it, so the hot path never pays its TLS guard.
struct span_table_reaper {
  thread_span_table* table = nullptr;
  span_table_reaper() = default;
  span_table_reaper(const span_table_reaper&) = delete;
  span_table_reaper& operator=(const span_table_reaper&) = delete;
  ~span_table_reaper() {
    if (table == nullptr) return;
    current_span_table = nullptr;
    span_table_retired = true;
    span_registry::instance().retire_thread(table);
  }
};

thread_span_table* span_registry::attach_thread() noexcept {
  auto table = std::make_unique<thread_span_table>();
  {
    const std::lock_guard lock(mutex_);
    threads_.push_back(table.get());
    table->serial = ++thread_serials_;
  }
  static thread_local span_table_reaper reaper;
  reaper.table = table.get();
  current_span_table = table.get();
  return table.release();
}

}  // namespace consist::inline v0::detail
