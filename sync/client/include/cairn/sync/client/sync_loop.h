// A background thread that syncs now and then: every `interval` after a sync
// that went well, after a backoff with full jitter (and at least the server's
// Retry-After) after one that did not, and at once on SyncNow(). A refused sync
// (revoked device, wrong pin) is not retried until SyncNow(). For the desktop
// client; `cairnctl sync` runs its own loop in the foreground.
//
// Thread safety: Start, Stop and SyncNow may be called from any thread. The
// sync function runs on the loop's thread only.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "cairn/sync/client/backoff.h"
#include "cairn/sync/client/client.h"

namespace cairn::sync {

struct SyncLoopOptions {
  std::chrono::milliseconds interval{std::chrono::minutes(5)};
  BackoffOptions backoff;
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
  std::thread thread_;
};

}  // namespace cairn::sync
