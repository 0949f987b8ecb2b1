#pragma once
// Body of <consist/detail/record_cache.hpp>.

#include <consist/detail/record_cache.hpp>

#include <utility>

namespace consist::inline v0::detail {

std::shared_ptr<const run_record> record_cache::find(std::string_view id, std::string_view text) const {
  std::lock_guard lock(m_);
  const auto it = by_id_.find(id);
  if (it == by_id_.end() || it->second.text != text) return nullptr;
  return it->second.record;
}

void record_cache::insert(std::string_view id, std::string text, std::shared_ptr<const run_record> record) {
  if (capacity_ == 0 || !record) return;
  std::lock_guard lock(m_);
  if (const auto it = by_id_.find(id); it != by_id_.end()) {
    it->second = entry{std::move(text), std::move(record)};
    return;
  }
  if (ring_.size() < capacity_) {
    ring_.emplace_back(id);
  } else {
    by_id_.erase(ring_[next_]);
    ring_[next_] = std::string(id);
    next_ = (next_ + 1) % capacity_;
  }
  by_id_.emplace(std::string(id), entry{std::move(text), std::move(record)});
}

std::size_t record_cache::size() const {
  std::lock_guard lock(m_);
  return by_id_.size();
}

}  // namespace consist::inline v0::detail
