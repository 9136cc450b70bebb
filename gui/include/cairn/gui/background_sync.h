// The client's sync thread (DESIGN.md: `cairn` has a background sync thread
// inside): while the client is open, an enrolled device syncs on SyncLoop's
// thread, and the top bar shows its state.
//
// The store is shared with the UI thread through one mutex. The sync thread
// holds it only around each store step (read the ops to push, apply one pulled
// page, observe a clock: ClientOptions::store_mu), never across network I/O, so
// no frame waits on the network. One Store means one hybrid logical clock: a
// local edit made after a pulled remote edit orders after it.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "cairn/agent/blob_store.h"
#include "cairn/agent/store.h"
#include "cairn/gui/sync_status.h"
#include "cairn/platform/network.h"
#include "cairn/platform/status.h"
#include "cairn/sync/client/client.h"
#include "cairn/sync/client/device_sync.h"
#include "cairn/sync/client/sync_loop.h"
#include "cairn/sync/client/sync_record.h"

namespace cairn::gui {

struct BackgroundSyncOptions {
  // Between syncs that went well; after a local write the client asks for one
  // at once (AfterLocalWrite) unless the last one was offline or refused.
  std::chrono::milliseconds interval{std::chrono::minutes(1)};
  sync::BackoffOptions backoff{.base_ms = 2'000, .cap_ms = 5 * 60'000};
  // What IT set in the configuration, as cairnctl sync reads it
  // (sync::DeviceSyncSettingsFrom): rate caps, this machine's fingerprint, the
  // metered default, the sync window, the token file. Its options' state,
  // cancel, store_mu and blobs are set here.
  sync::DeviceSyncSettings device;
  // Smaller pages than cairnctl's: the UI waits at most for one page's apply.
  size_t pull_page_ops = 200;
  // The device's blob directory (BlobStoreDir): files sync after the ops, through
  // the sync thread's own BlobStore (one per thread; complete files appear
  // atomically, so the UI's BlobStore on the same root may add files meanwhile).
  // Empty: ops only.
  std::filesystem::path blob_dir;
};

class BackgroundSync : public SyncStatusSource {
 public:
  // Starts syncing `store` (the UI thread uses it only under `store_mu`), whose
  // files are in `data_dir`, with the server in its sync record; each round is
  // sync::DeviceSyncRound, as in cairnctl sync. A device store without a record
  // (a copy that took a new id at start) enrolls with the token first. nullptr
  // when there is nothing to sync with (no record and no token, or not a device
  // store); kCorruption when the record cannot be read. `wake` is
  // called on the sync thread whenever the state changes (the client wakes its
  // event loop with it); it must be thread-safe.
  static Result<std::unique_ptr<BackgroundSync>> Start(Store& store, std::mutex& store_mu,
                                                       const std::filesystem::path& data_dir,
                                                       BackgroundSyncOptions options,
                                                       std::function<void()> wake);
  ~BackgroundSync() override;  // cancels a transfer in flight and joins the thread

  SyncSnapshot Snapshot() const override;
  void Refresh(const Store& store) override;
  // Moves each time a pulled page brought new ops: the views reload.
  uint64_t remote_changes() const;
  // Syncs soon: after a local write, when the last round went well (or is on).
  void AfterLocalWrite();
  void SyncNow() { loop_->SyncNow(); }

 private:
  BackgroundSync(Store& store, std::mutex& store_mu, std::filesystem::path data_dir,
                 std::optional<sync::SyncRecord> record, BackgroundSyncOptions options);

  Store& store_;
  std::mutex& store_mu_;
  std::filesystem::path data_dir_;
  std::optional<sync::SyncRecord> record_;  // the sync thread's alone; nullopt until enrolled
  BackgroundSyncOptions options_;
  std::optional<BlobStore> blobs_;  // the sync thread's; set with options_.blob_dir
  sync::SyncStateBox state_;
  std::unique_ptr<sync::SyncLoop> loop_;
  std::atomic<uint64_t> own_ops_{0};  // this device's last seq, as Refresh saw it
};

}  // namespace cairn::gui
