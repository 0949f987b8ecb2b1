#pragma once
// Group commit: a bounded queue drained by one background writer that writes
// whatever has accumulated (up to max_batch items, after lingering 2 ms for
// a burst to arrive unless a flush is waiting) in one transaction, so many
// cache-hit records share one commit (and one fsync). push() waits
// while the queue is full; that back-pressure is what bounds memory.
//
// A push allocates nothing once the queue has warmed up: items go into a
// vector that the writer swaps with its emptied batch vector, so the two
// buffers (and their capacity) pass back and forth. Only a queue longer than
// max_batch is set aside whole and handed out in max_batch slices.
//
// While the writer lingers it may stage what has arrived so far: a stager
// given to the constructor turns an item into a form quicker to write (the
// store serialises a record there), outside the lock, so that work overlaps
// with the producers instead of following them. Staging is only a head
// start: an item the stager leaves alone, or one it throws on (then it must
// leave the item as it was), is written as it was pushed. Staged items leave
// the queue, so the writer then holds up to max_batch items besides it.
//
// A requested sync (after deferred commits) runs sync_delay later, or at once
// when someone flushes or the queue closes, so that a durable commit that
// follows soon anyway (the syncer may then skip) is not doubled by a second
// fsync competing with it.
//
// Errors do not vanish: the writer keeps the first failure (and counts the
// items it could not write) and the next push() or flush() rethrows it. The
// destructor drains the queue and joins; an error nobody collected is
// printed to stderr there, since a destructor cannot throw.

#include <consist/error.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace consist::inline v0::detail {

template <class Item>
class group_commit {
 public:
  using batch_writer = std::function<void(std::vector<Item>&)>;
  using syncer = std::function<void()>;
  using stager = std::function<void(Item&)>;

  using clock = std::chrono::steady_clock;

  group_commit(std::size_t capacity, std::size_t max_batch, batch_writer write, syncer sync,
               clock::duration sync_delay = std::chrono::milliseconds(200), stager stage = {})
      : capacity_(capacity ? capacity : 1), max_batch_(max_batch ? max_batch : 1), write_(std::move(write)),
        sync_(std::move(sync)), stage_(std::move(stage)), sync_delay_(sync_delay) {}

  /// How long the writer waits for a batch to fill before committing it.
  static constexpr clock::duration linger_ = std::chrono::milliseconds(2);
  /// While lingering with a stager, the writer looks for items to stage this
  /// often, on its own clock: producers do not wake it for that (a wake-up
  /// is a system call on the producer's thread).
  static constexpr clock::duration stage_poll_ = std::chrono::microseconds(100);
  group_commit(const group_commit&) = delete;
  group_commit& operator=(const group_commit&) = delete;

  ~group_commit() {
    {
      std::lock_guard lock(m_);
      stopping_ = true;
    }
    work_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (error_) report_uncollected();
  }

  /// Queues an item; waits while the queue is full. Rethrows a pending writer error first.
  void push(Item&& item) { emplace(std::move(item)); }

  /// Queues an item constructed in place from `args`; waits while the queue
  /// is full. Rethrows a pending writer error first.
  template <class... Args>
  void emplace(Args&&... args) {
    std::unique_lock lock(m_);
    rethrow_pending(lock);
    space_.wait(lock, [&] { return queued_locked() < capacity_ || error_; });
    rethrow_pending(lock);
    incoming_.emplace_back(std::forward<Args>(args)...);
    ++pushed_;
    start_locked();
    // The writer waits for an empty queue to fill, or, lingering, for a full
    // batch: only those pushes need to wake it (a wake-up is a system call).
    // A writer that stages while it lingers emptied the queue itself and
    // comes back for more on its own.
    const std::size_t n = queued_locked();
    const bool wake = (n == 1 && !staging_) || n >= max_batch_;
    lock.unlock();
    if (wake) work_.notify_one();
  }

  /// Asks the writer to run the syncer soon (after deferred commits).
  void request_sync() {
    {
      std::lock_guard lock(m_);
      if (sync_requests_ == syncs_done_) sync_due_ = clock::now() + sync_delay_;
      ++sync_requests_;
      start_locked();
    }
    work_.notify_one();
  }

  /// Returns when every item pushed (and sync requested) before the call is
  /// written; rethrows a pending writer error.
  void flush() {
    std::unique_lock lock(m_);
    const std::uint64_t items = pushed_, syncs = sync_requests_;
    ++flushers_;  // a pending sync is due now
    work_.notify_one();
    done_.wait(lock, [&] { return processed_ >= items && syncs_done_ >= syncs; });
    --flushers_;
    rethrow_pending(lock);
  }

  std::size_t queued() const {
    std::lock_guard lock(m_);
    return queued_locked();
  }

 private:
  void start_locked() {
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  }

  std::size_t queued_locked() const noexcept { return incoming_.size() + (backlog_.size() - backlog_next_); }

  /// Moves the oldest items (at most `limit`) into the empty `batch`.
  void take_batch_locked(std::vector<Item>& batch, std::size_t limit) {
    if (backlog_next_ == backlog_.size()) {
      if (incoming_.size() <= limit) {
        batch.swap(incoming_);
        return;
      }
      backlog_.swap(incoming_);  // incoming_ gets the empty (released) backlog buffer
      backlog_next_ = 0;
    }
    const auto first = backlog_.begin() + static_cast<std::ptrdiff_t>(backlog_next_);
    const std::size_t n = std::min(limit, backlog_.size() - backlog_next_);
    batch.assign(std::make_move_iterator(first), std::make_move_iterator(first + static_cast<std::ptrdiff_t>(n)));
    backlog_next_ += n;
    if (backlog_next_ == backlog_.size()) {
      // A backlog only forms under overload: release it rather than keep a
      // buffer the size of the whole queue.
      std::vector<Item>().swap(backlog_);
      backlog_next_ = 0;
    }
  }

  /// Moves the oldest items (at most `limit`) to the end of `batch`. The
  /// queue keeps its buffer (and its capacity), so producers do not allocate.
  void append_batch_locked(std::vector<Item>& batch, std::size_t limit) {
    std::vector<Item> part;  // used only when a backlog forms (overload)
    std::vector<Item>& from = backlog_next_ == backlog_.size() && incoming_.size() <= limit ? incoming_ : part;
    if (&from == &part) take_batch_locked(part, limit);
    batch.insert(batch.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
    from.clear();
  }

  bool sync_pending() const noexcept { return sync_requests_ > syncs_done_; }
  bool sync_due() const { return sync_pending() && (flushers_ > 0 || stopping_ || clock::now() >= sync_due_); }

  /// Lingers up to linger_ for the batch to fill, staging what has arrived
  /// every stage_poll_; returns with the lock held and `batch` holding the
  /// staged items.
  void linger_staging(std::unique_lock<std::mutex>& lock, std::vector<Item>& batch) {
    const auto until = clock::now() + linger_;
    const auto stop = [&] { return flushers_ > 0 || stopping_ || batch.size() + queued_locked() >= max_batch_; };
    staging_ = true;
    while (!stop()) {
      if (queued_locked() != 0) {
        const std::size_t first = batch.size();
        append_batch_locked(batch, max_batch_ - first);
        lock.unlock();
        space_.notify_all();
        for (std::size_t i = first; i < batch.size(); ++i) {
          try {
            stage_(batch[i]);
          } catch (...) {  // left as it was pushed: the write handles it (and reports what is wrong)
          }
        }
        lock.lock();
      }
      const auto now = clock::now();
      if (now >= until) break;
      work_.wait_until(lock, std::min(until, now + stage_poll_), stop);
    }
    staging_ = false;
  }

  void run() {
    std::vector<Item> batch;  // empty between batches; its buffer is swapped with incoming_
    std::unique_lock lock(m_);
    for (;;) {
      while (queued_locked() == 0 && !sync_due() && !(stopping_ && !sync_pending())) {
        if (sync_pending()) work_.wait_until(lock, sync_due_);
        else work_.wait(lock);
      }
      if (queued_locked() == 0 && !sync_pending()) return;  // stopping, nothing left
      // Linger briefly for more items unless someone waits: one commit (and
      // fsync) for a burst instead of one for its first item.
      if (queued_locked() != 0 && queued_locked() < max_batch_ && flushers_ == 0 && !stopping_) {
        if (stage_) linger_staging(lock, batch);
        else work_.wait_until(lock, clock::now() + linger_,
                              [&] { return queued_locked() >= max_batch_ || flushers_ > 0 || stopping_; });
      }
      if (batch.empty()) take_batch_locked(batch, max_batch_);
      else if (batch.size() < max_batch_ && queued_locked() != 0)  // the rest of the batch, unstaged
        append_batch_locked(batch, max_batch_ - batch.size());
      const std::size_t taken = batch.size();  // counted before the writer may empty the vector
      lock.unlock();
      space_.notify_all();
      std::exception_ptr failure;
      try {
        if (!batch.empty()) write_(batch);
      } catch (...) {
        failure = std::current_exception();
      }
      batch.clear();  // destroyed here, outside the lock; the capacity stays
      lock.lock();
      // Decided after the write, which may itself have deferred its commit and
      // asked for a sync: a flush waiting for that batch then gets it too.
      const bool do_sync = sync_due();
      const std::uint64_t sync_target = sync_requests_;
      if (do_sync) {
        lock.unlock();
        try {
          sync_();
        } catch (...) {
          if (!failure) failure = std::current_exception();
        }
        lock.lock();
      }
      if (failure) {
        if (!error_) error_ = failure;
        lost_ += taken;
      }
      processed_ += taken;
      if (do_sync) syncs_done_ = sync_target;
      done_.notify_all();
    }
  }

  void rethrow_pending(std::unique_lock<std::mutex>& lock) {
    if (!error_) return;
    const auto e = std::exchange(error_, nullptr);
    const auto lost = std::exchange(lost_, 0);
    lock.unlock();
    try {
      std::rethrow_exception(e);
    } catch (const consist::error& x) {
      throw store_error("the background writer could not commit " + std::to_string(lost) +
                            " queued record(s): " + x.problem(),
                        x.likely_cause(), x.suggested_fix());
    }
  }

  void report_uncollected() noexcept {
    try {
      std::rethrow_exception(error_);
    } catch (const std::exception& x) {
      std::fprintf(stderr, "consist: %llu queued record(s) were not committed:\n%s\n",
                   static_cast<unsigned long long>(lost_), x.what());
    } catch (...) {
      std::fprintf(stderr, "consist: %llu queued record(s) were not committed\n",
                   static_cast<unsigned long long>(lost_));
    }
  }

  const std::size_t capacity_;
  const std::size_t max_batch_;
  batch_writer write_;
  syncer sync_;
  stager stage_;
  const clock::duration sync_delay_;

  mutable std::mutex m_;
  std::condition_variable work_, space_, done_;
  std::vector<Item> incoming_;  // pushed, oldest first, after the backlog
  std::vector<Item> backlog_;   // a queue longer than max_batch, taken whole
  std::size_t backlog_next_ = 0;  // backlog_[backlog_next_...] still to write
  std::uint64_t pushed_ = 0, processed_ = 0;
  std::uint64_t sync_requests_ = 0, syncs_done_ = 0;
  clock::time_point sync_due_{};
  int flushers_ = 0;
  bool stopping_ = false;
  bool staging_ = false;  // the writer lingers and stages (linger_staging)
  std::exception_ptr error_;
  std::uint64_t lost_ = 0;
  std::thread thread_;  // last: started after everything above exists
};

}  // namespace consist::inline v0::detail
