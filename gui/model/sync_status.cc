#include "cairn/gui/sync_status.h"

namespace cairn::gui {

void LocalSyncStatus::Refresh(const Store& store) {
  snapshot_.state =
      store.mode() == StoreMode::kStandalone ? SyncState::kStandalone : SyncState::kNotSyncing;
  // The log of our own origin is dense: its last seq is how many ops we wrote.
  Result<uint64_t> own = store.initialized() ? store.LastSeq(store.self()) : Result<uint64_t>(0);
  snapshot_.own_ops = own.ok() ? *own : 0;
  // Without the sync record (sync/client) nothing says what the server has: on
  // an enrolled device every own op counts as waiting, which is the honest upper
  // bound; a standalone device has nothing to send.
  snapshot_.pending_ops = snapshot_.state == SyncState::kStandalone ? 0 : snapshot_.own_ops;
}

std::string_view SyncStateKey(SyncState state) {
  switch (state) {
    case SyncState::kStandalone:
      return "sync.standalone";
    case SyncState::kNotSyncing:
      return "sync.not_syncing";
    case SyncState::kOffline:
      return "sync.offline";
    case SyncState::kWaiting:
      return "sync.waiting";
    case SyncState::kSyncing:
      return "sync.syncing";
    case SyncState::kUpToDate:
      return "sync.up_to_date";
    case SyncState::kError:
      return "sync.error";
  }
  return "sync.standalone";
}

}  // namespace cairn::gui
