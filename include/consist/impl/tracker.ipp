#pragma once
// Body of <consist/tracker.hpp>.

#include <consist/tracker.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>

namespace consist::inline v0 {

tracker::tracker(tracker_config cfg) : cfg_(std::move(cfg)) {
  cfg_.run_dir = std::filesystem::absolute(cfg_.run_dir);
  store_options so;
  so.path = cfg_.store;
  so.durability = cfg_.durability;
  if (cfg_.initial_map_size != 0) so.initial_map_size = cfg_.initial_map_size;
  store_ = run_store::open(so);
  resolution_.hashing = cfg_.hashing;
  resolution_.code_version = cfg_.code_version;
  resolution_.run_dir = cfg_.run_dir;
  resolution_.precompute_code_identity();
  auto& s = detail::tracker_stack::instance();
  std::lock_guard lock(s.mutex);
  s.stack.push_back(this);
}

tracker::~tracker() {
  {
    auto& s = detail::tracker_stack::instance();
    std::lock_guard lock(s.mutex);
    s.stack.erase(std::remove(s.stack.begin(), s.stack.end(), this), s.stack.end());
  }
  // In a child of fork(), what the parent queued is the parent's to write.
  if (store_->opened_by_parent()) return;
  try {
    store_->flush();
  } catch (const std::exception& e) {
    // A destructor cannot throw (call flush() before destruction to handle the error): say what was lost.
    std::fprintf(stderr, "consist: the tracker of the store at '%s' closed with records not written:\n%s\n",
                 store_->path().c_str(), e.what());
  } catch (...) {
    std::fprintf(stderr, "consist: the tracker of the store at '%s' closed with records not written\n",
                 store_->path().c_str());
  }
}

tracker& active_tracker() {
  auto& s = detail::tracker_stack::instance();
  std::lock_guard lock(s.mutex);
  if (s.stack.empty())
    throw usage_error("consist::run / consist::trace was called with no live consist::tracker",
                      "no tracker was created, or it was destroyed before this call",
                      "create one first: consist::tracker t{consist::tracker_config{.store = \".consist\"}}; "
                      "or call t.run(...) on a tracker");
  return *s.stack.back();
}

}  // namespace consist::inline v0
