// What the client says about sync. The sync thread (sync/, being written) will
// feed a SyncStatusSource; until then a standalone device has nothing to sync.
#pragma once

#include <cstdint>
#include <string_view>

namespace cairn::gui {

enum class SyncState {
  kStandalone,  // no school server: everything stays on this device
  kOffline,     // enrolled, server not reachable; work is saved here
  kSyncing,
  kUpToDate,
};

struct SyncSnapshot {
  SyncState state = SyncState::kStandalone;
  uint64_t pending_ops = 0;     // written here, not yet acknowledged by the server
  int64_t last_success_ms = 0;  // Unix ms of the last completed sync, 0 = never
};

// Read by the UI thread once per frame: implementations must be cheap and
// thread-safe (a sync thread updates them).
class SyncStatusSource {
 public:
  virtual ~SyncStatusSource() = default;
  virtual SyncSnapshot Snapshot() const = 0;
};

// A standalone classroom: always kStandalone.
class StandaloneSyncStatus : public SyncStatusSource {
 public:
  SyncSnapshot Snapshot() const override { return {}; }
};

// The catalog key of a state's label ("sync.standalone", ...).
std::string_view SyncStateKey(SyncState state);

}  // namespace cairn::gui
