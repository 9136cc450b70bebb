#include "cairn/gui/background_sync.h"

#include <algorithm>
#include <iostream>

#include "cairn/sync/client/device_identity.h"

namespace cairn::gui {

Result<std::unique_ptr<BackgroundSync>> BackgroundSync::Start(Store& store, std::mutex& store_mu,
                                                              const std::filesystem::path& data_dir,
                                                              BackgroundSyncOptions options,
                                                              std::function<void()> wake) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<sync::SyncRecord> record,
                         sync::LoadSyncRecord(sync::SyncRecordFile(data_dir)));
  if (!record) {
    std::lock_guard<std::mutex> lock(store_mu);
    if (!store.initialized() || store.mode() != StoreMode::kDevice ||
        sync::ReadEnrollmentToken(options.device.token_file).empty()) {
      return std::unique_ptr<BackgroundSync>();
    }
  }
  std::unique_ptr<BackgroundSync> s(
      new BackgroundSync(store, store_mu, data_dir, std::move(record), std::move(options)));
  s->state_.SetListener(std::move(wake));
  s->loop_->Start();
  return s;
}

BackgroundSync::BackgroundSync(Store& store, std::mutex& store_mu, std::filesystem::path data_dir,
                               std::optional<sync::SyncRecord> record,
                               BackgroundSyncOptions options)
    : store_(store),
      store_mu_(store_mu),
      data_dir_(std::move(data_dir)),
      record_(std::move(record)),
      options_(std::move(options)) {
  sync::SyncState first;
  first.phase = sync::SyncPhase::kSyncing;
  if (record_) {
    first.last_sync_ms = record_->last_sync_ms;
    std::lock_guard<std::mutex> lock(store_mu_);
    first.pending_ops = sync::PendingOps(store_, *record_);
  }
  state_.Set(first);
  sync::ClientOptions& client = options_.device.options;
  client.state = &state_;
  client.store_mu = &store_mu_;
  client.pull_page_ops = options_.pull_page_ops;
  if (!options_.blob_dir.empty()) {
    blobs_.emplace(options_.blob_dir);
    client.blobs = &*blobs_;
  }
  sync::SyncLoopOptions loop;
  loop.interval = options_.interval;
  loop.backoff = options_.backoff;
  loop_ = std::make_unique<sync::SyncLoop>(
      [this](const std::atomic<bool>& cancel) {
        sync::ClientOptions round = options_.device.options;
        round.cancel = &cancel;
        Result<sync::SyncReport> report =
            sync::DeviceSyncRound(store_, data_dir_, record_, options_.device, round,
                                  [](sync::DeviceEvent, const std::string& note) {
                                    std::cerr << "cairn: " << note << "\n";
                                  });
        if (report.ok()) return *report;
        // Not enrolled (and no token), or enrolling found no server.
        sync::SyncReport failed;
        bool offline = report.status().code() == Status::Code::kUnavailable;
        failed.outcome = offline ? sync::SyncOutcome::kUnreachable : sync::SyncOutcome::kRefused;
        failed.message = report.status().message();
        state_.Update([&](sync::SyncState& st) {
          st.phase = offline ? sync::SyncPhase::kOffline : sync::SyncPhase::kError;
          st.message = failed.message;
        });
        return failed;
      },
      loop);
}

BackgroundSync::~BackgroundSync() {
  loop_->Stop();
  state_.SetListener(nullptr);
}

SyncSnapshot BackgroundSync::Snapshot() const {
  sync::SyncState s = state_.Snapshot();
  SyncSnapshot out;
  switch (s.phase) {
    case sync::SyncPhase::kNotEnrolled:
      out.state = SyncState::kNotSyncing;
      break;
    case sync::SyncPhase::kOffline:
      out.state = SyncState::kOffline;
      break;
    case sync::SyncPhase::kWaiting:
      out.state = SyncState::kWaiting;
      break;
    case sync::SyncPhase::kSyncing:
      out.state = SyncState::kSyncing;
      break;
    case sync::SyncPhase::kUpToDate:
      out.state = SyncState::kUpToDate;
      break;
    case sync::SyncPhase::kError:
      out.state = SyncState::kError;
      break;
  }
  // Written here since the sync thread last looked count as waiting too.
  uint64_t own = own_ops_.load();
  out.pending_ops = std::max(s.pending_ops, own > s.acked ? own - s.acked : 0);
  out.own_ops = std::max(own, s.acked + s.pending_ops);
  out.last_success_ms = s.last_sync_ms;
  out.message = s.message;
  return out;
}

void BackgroundSync::Refresh(const Store& store) {
  Result<uint64_t> own = store.LastSeq(store.self());
  if (own.ok()) own_ops_ = *own;
}

uint64_t BackgroundSync::remote_changes() const { return state_.Snapshot().remote_changes; }

void BackgroundSync::AfterLocalWrite() {
  // Offline, or refused: the backoff (or a person) decides when to try again;
  // asking on every answer a student gives would only knock on a closed door.
  sync::SyncPhase phase = state_.Snapshot().phase;
  if (phase == sync::SyncPhase::kUpToDate || phase == sync::SyncPhase::kSyncing) {
    loop_->SyncNow();
  }
}

}  // namespace cairn::gui
