#include "cairn/sync/client/device_sync.h"

#include "cairn/sync/client/device_identity.h"
#include "cairn/sync/enrollment_token.h"
#include "store_lock.h"

namespace cairn::sync {
namespace {

// Enrolls a device without a sync record with the token, when there is one.
Result<std::optional<SyncRecord>> EnrollByItself(Store& store,
                                                 const std::filesystem::path& data_dir,
                                                 const DeviceSyncSettings& settings,
                                                 const ClientOptions& options,
                                                 const DeviceNote& note) {
  const std::filesystem::path& file = settings.token_file;
  Result<std::optional<SyncRecord>> enrolled =
      EnrollWithToken(store, data_dir, ReadEnrollmentToken(file), options);
  if (!enrolled.ok()) {
    return enrolled.status().WithContext("enrolling again with the token in " + file.string());
  }
  if (*enrolled && note) {
    note(DeviceEvent::kEnrolled, "Enrolled this device with " + (*enrolled)->server_url + " as " +
                                     (*enrolled)->device + " (token " + file.string() + ").");
  }
  return enrolled;
}

// Outside the sync window: nothing goes, and the state says so.
SyncReport WaitForWindow(const Store& store, const std::optional<SyncRecord>& record,
                         const ClientOptions& options, const std::string& why) {
  SyncReport waiting;
  waiting.outcome = SyncOutcome::kUnreachable;
  waiting.waiting_for_window = true;
  waiting.message = "not syncing now: " + why + ". This device's work is saved here and goes then";
  if (record) {
    auto lock = StoreLock(options);
    waiting.pending_ops = PendingOps(store, *record);
  }
  if (options.state) {
    options.state->Update([&](SyncState& s) {
      s.phase = SyncPhase::kWaiting;
      s.message = waiting.message;
      s.pending_ops = waiting.pending_ops;
    });
  }
  return waiting;
}

}  // namespace

DeviceSyncSettings DeviceSyncSettingsFrom(const Config& config, const FingerprintSources& sources) {
  DeviceSyncSettings settings;
  settings.options = ClientOptionsFrom(config);
  settings.options.device_fingerprint = WireFingerprint(sources);
  settings.policy = NetworkPolicyFrom(config);
  settings.token_file = config.Value("enrollment_token_file");
  return settings;
}

Result<SyncReport> DeviceSyncRound(Store& store, const std::filesystem::path& data_dir,
                                   std::optional<SyncRecord>& record,
                                   const DeviceSyncSettings& settings, const ClientOptions& options,
                                   const DeviceNote& note) {
  // Before anything reaches the server, an enrollment included.
  if (std::string why =
          OutsideSyncWindow(settings.policy, LocalMinuteOfDay(options.clock->NowMillis()));
      !why.empty()) {
    return WaitForWindow(store, record, options, why);
  }
  // A cloned or freshly imaged device enrolls by itself with IT's token.
  if (!record) {
    CAIRN_ASSIGN_OR_RETURN(record, EnrollByItself(store, data_dir, settings, options, note));
  }
  if (!record) {
    return Status::FailedPrecondition(
        "this device is not enrolled with a school server, and there is no enrollment token in " +
        settings.token_file.string());
  }
  const std::filesystem::path file = SyncRecordFile(data_dir);
  SyncReport report = SyncRound(store, *record, file, settings.policy, options);
  if (report.server_error != kFingerprintMismatch) return report;
  // The server caught what the start-up check could not: these files are a copy
  // of another device's. The copy becomes a device of its own, as after a clone.
  std::string renewed;
  {
    auto lock = StoreLock(options);
    CAIRN_ASSIGN_OR_RETURN(
        renewed, RenewIdentity(store, data_dir, options.device_fingerprint,
                               "the server knows this device's credential from another machine "
                               "(these files were copied from another device)"));
  }
  record.reset();
  if (note) note(DeviceEvent::kRenewed, renewed);
  CAIRN_ASSIGN_OR_RETURN(record, EnrollByItself(store, data_dir, settings, options, note));
  if (!record) {
    return Status::FailedPrecondition(renewed + "; there is no enrollment token in " +
                                      settings.token_file.string() + ", so enroll it by hand");
  }
  return SyncRound(store, *record, file, settings.policy, options);
}

}  // namespace cairn::sync
