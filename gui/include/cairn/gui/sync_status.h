// What the client says about sync, always on the top bar: offline / syncing /
// up to date as of … / what is waiting to go. A SyncStatusSource gives it: the
// client's sync thread on an enrolled device (background_sync.h), else
// LocalSyncStatus, which says what this device alone knows: standalone, or
// enrolled and not syncing (no sync record yet), with how many records it holds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cairn/agent/store.h"

namespace cairn::gui {

enum class SyncState {
  kStandalone,  // no school server: everything stays on this device
  kNotSyncing,  // enrolled, but this client runs no sync (cairnctl sync does)
  kOffline,     // enrolled, server not reachable; work is saved here
  kWaiting,     // outside the school's sync window (sync.window); `message` says until when
  kSyncing,
  kUpToDate,
  kError,  // the server refused; `message` says why
};

struct SyncSnapshot {
  SyncState state = SyncState::kStandalone;
  uint64_t pending_ops = 0;     // written here, not yet acknowledged by the server
  uint64_t own_ops = 0;         // written on this device, in all
  int64_t last_success_ms = 0;  // Unix ms of the last completed sync, 0 = never
  std::string message;          // kError, kWaiting: a sentence for people
};

// Read by the UI thread once per frame: implementations must be cheap and
// thread-safe (a sync thread updates them).
class SyncStatusSource {
 public:
  virtual ~SyncStatusSource() = default;
  virtual SyncSnapshot Snapshot() const = 0;
  // After writes here, on the UI thread while it holds the store: counts what
  // this device wrote, so what waits to go shows before the next sync.
  virtual void Refresh(const Store& store) = 0;
};

// What the store alone says; Snapshot() reads the figure Refresh() kept.
class LocalSyncStatus : public SyncStatusSource {
 public:
  void Refresh(const Store& store) override;
  SyncSnapshot Snapshot() const override { return snapshot_; }

 private:
  SyncSnapshot snapshot_;
};

// The catalog key of a state's label ("sync.standalone", ...).
std::string_view SyncStateKey(SyncState state);

}  // namespace cairn::gui
