#include "cairn/sync/client/sync_loop.h"

namespace cairn::sync {

std::string_view SyncPhaseName(SyncPhase phase) {
  switch (phase) {
    case SyncPhase::kNotEnrolled:
      return "not enrolled";
    case SyncPhase::kOffline:
      return "offline";
    case SyncPhase::kWaiting:
      return "waiting";
    case SyncPhase::kSyncing:
      return "syncing";
    case SyncPhase::kUpToDate:
      return "up to date";
    case SyncPhase::kError:
      return "error";
  }
  return "unknown";
}

SyncLoop::SyncLoop(SyncFn sync, SyncLoopOptions options)
    : sync_(std::move(sync)), options_(options) {
  last_.outcome = SyncOutcome::kCancelled;
}

SyncLoop::~SyncLoop() { Stop(); }

void SyncLoop::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  finished_ = false;
  thread_ = std::thread([this] { Run(); });
}

void SyncLoop::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SyncLoop::SyncNow() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    now_ = true;
  }
  wake_.notify_all();
}

SyncReport SyncLoop::last_report() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_;
}

size_t SyncLoop::runs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return runs_;
}

bool SyncLoop::WaitFinished(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return finished_cv_.wait_for(lock, timeout, [&] { return finished_; });
}

void SyncLoop::Run() {
  Backoff backoff(options_.backoff);
  while (!stopping_) {
    SyncReport report = sync_(stopping_);
    std::chrono::milliseconds wait = options_.interval;
    switch (report.outcome) {
      case SyncOutcome::kDone:
        backoff.Reset();
        break;
      case SyncOutcome::kUnreachable:
      case SyncOutcome::kRetryLater:
        wait = std::chrono::milliseconds(backoff.NextDelayMs(report.retry_after_ms));
        break;
      case SyncOutcome::kRefused:
        wait = kUntilAsked;  // retrying will not help until someone acts
        break;
      case SyncOutcome::kCancelled:
        break;
    }
    std::optional<std::chrono::milliseconds> chosen = wait;
    if (options_.next) chosen = options_.next(report, wait);
    std::unique_lock<std::mutex> lock(mu_);
    last_ = report;
    ++runs_;
    if (!chosen) {
      finished_ = true;
      finished_cv_.notify_all();
      return;
    }
    wait = *chosen;
    auto woken = [&] { return stopping_.load() || now_; };
    if (wait == kUntilAsked) {
      wake_.wait(lock, woken);
    } else {
      wake_.wait_for(lock, wait, woken);
    }
    now_ = false;
  }
}

}  // namespace cairn::sync
