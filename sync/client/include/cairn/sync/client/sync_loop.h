// A background thread that syncs now and then: every `interval` after a sync
// that went well, after a backoff with full jitter (and at least the server's
// Retry-After) after one that did not, and at once on SyncNow(). A refused sync
// (revoked device, wrong pin) is not retried until SyncNow(). The desktop
// client's sync thread; `cairnctl sync` runs one until the sync is done, through
// the `next` hook.
//
// Thread safety: Start, Stop and SyncNow may be called from any thread. The
// sync function runs on the loop's thread only.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "cairn/sync/client/backoff.h"
#include "cairn/sync/client/client.h"

namespace cairn::sync {

// SyncLoop's wait for SyncNow() alone (after a refused sync).
inline constexpr std::chrono::milliseconds kUntilAsked = std::chrono::milliseconds::max();

struct SyncLoopOptions {
  std::chrono::milliseconds interval{std::chrono::minutes(5)};
  BackoffOptions backoff;
  // When set, called on the loop's thread after each sync with its report and
  // the wait the loop chose (kUntilAsked after a refusal): returns the wait to
  // use instead, or nullopt to end the loop there (finished() becomes true).
  std::function<std::optional<std::chrono::milliseconds>(const SyncReport&,
                                                         std::chrono::milliseconds planned)>
      next;
};

class SyncLoop {
 public:
  // Runs one sync. `cancel` becomes true when the loop is stopping: pass it on as
  // ClientOptions::cancel so a transfer in flight ends at once.
  using SyncFn = std::function<SyncReport(const std::atomic<bool>& cancel)>;

  SyncLoop(SyncFn sync, SyncLoopOptions options);
  ~SyncLoop();  // Stop()s
  SyncLoop(const SyncLoop&) = delete;
  SyncLoop& operator=(const SyncLoop&) = delete;

  // Starts the thread; the first sync runs at once. No-op when running.
  void Start();
  // Cancels a sync in flight and joins the thread. Idempotent.
  void Stop();
  // Syncs as soon as the current wait (or sync) is over.
  void SyncNow();
  // The report of the last sync; kCancelled before the first one ends.
  SyncReport last_report() const;
  // Syncs run so far.
  size_t runs() const;
  // Waits up to `timeout` for the loop to end by itself (`next` said so);
  // true when it has.
  bool WaitFinished(std::chrono::milliseconds timeout);

 private:
  void Run();

  SyncFn sync_;
  SyncLoopOptions options_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool now_ = false;      // guarded by mu_
  SyncReport last_;       // guarded by mu_
  size_t runs_ = 0;       // guarded by mu_
  bool finished_ = false;  // guarded by mu_
  std::condition_variable finished_cv_;
  std::thread thread_;
};

}  // namespace cairn::sync
