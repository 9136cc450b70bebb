#include "cairn/gui/sync_status.h"

namespace cairn::gui {

std::string_view SyncStateKey(SyncState state) {
  switch (state) {
    case SyncState::kStandalone:
      return "sync.standalone";
    case SyncState::kOffline:
      return "sync.offline";
    case SyncState::kSyncing:
      return "sync.syncing";
    case SyncState::kUpToDate:
      return "sync.up_to_date";
  }
  return "sync.standalone";
}

}  // namespace cairn::gui
