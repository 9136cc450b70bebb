// The sync state a person sees: "offline", "syncing", "up to date as of T",
// or "error" with a sentence saying why, plus what is still waiting to go.
// The sync thread writes it; the UI thread reads snapshots.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace cairn::sync {

enum class SyncPhase {
  kNotEnrolled,  // no school server yet
  kOffline,      // the server could not be reached; work is saved here
  kWaiting,      // outside sync.window: nothing goes until it opens (`message`)
  kSyncing,
  kUpToDate,     // everything sent and pulled at `last_sync_ms`
  kError,        // the server refused (revoked device, wrong pin, ...): `message`
};
// "not enrolled", "offline", "waiting", "syncing", "up to date", "error".
std::string_view SyncPhaseName(SyncPhase phase);

struct SyncState {
  SyncPhase phase = SyncPhase::kNotEnrolled;
  int64_t last_sync_ms = 0;  // the last complete sync; 0 = never
  std::string message;       // a sentence for people; empty when there is nothing to say
  uint64_t pending_ops = 0;  // own ops the server has not acknowledged
  uint64_t acked = 0;        // the highest own seq the server has acknowledged
  uint64_t pending_blobs = 0;  // files of this device's ops not yet on the server
  uint64_t missing_blobs = 0;  // files other ops name that are not on this device yet
  // The link is metered (platform/network.h): ops sync, files wait for another link.
  bool blobs_wait_for_unmetered = false;
  int64_t next_attempt_ms = 0;  // when the background loop tries again; 0 = not scheduled
  // Pulled pages that brought ops new to the store, counted since the state was
  // made: a UI reloads its views when this moves.
  uint64_t remote_changes = 0;
};

// A SyncState shared between threads. Thread-safe.
class SyncStateBox {
 public:
  SyncState Snapshot() const {
    std::lock_guard<std::mutex> lock(mu_);
    return state_;
  }
  void Set(const SyncState& state) {
    Update([&](SyncState& s) { s = state; });
  }
  // Changes some fields under the lock, then tells the listener. `change` must
  // not take other locks (the UI thread reads snapshots while holding its own).
  template <typename F>
  void Update(F&& change) {
    std::function<void()> listener;
    {
      std::lock_guard<std::mutex> lock(mu_);
      change(state_);
      listener = listener_;
    }
    if (listener) listener();
  }
  // Called after every change, outside the lock, on the changing thread (the
  // desktop client wakes its event loop with it). Set it before the state is shared.
  void SetListener(std::function<void()> listener) {
    std::lock_guard<std::mutex> lock(mu_);
    listener_ = std::move(listener);
  }

 private:
  mutable std::mutex mu_;
  SyncState state_;                 // guarded by mu_
  std::function<void()> listener_;  // guarded by mu_
};

}  // namespace cairn::sync
