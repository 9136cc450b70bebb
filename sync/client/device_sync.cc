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

// What a round that stopped before syncing tells the state a UI shows.
void Tell(const ClientOptions& options, SyncPhase phase, const SyncReport& report) {
  if (!options.state) return;
  options.state->Update([&](SyncState& s) {
    s.phase = phase;
    s.message = report.message;
    s.pending_ops = report.pending_ops;
  });
}

// A refusal that ends the round: `message` goes to the record's last problem
// (and the state), so `cairnctl status` and the app show it.
SyncReport Refused(const Store& store, SyncRecord& record, const std::filesystem::path& file,
                   const ClientOptions& options, SyncReport report, const std::string& message) {
  report.outcome = SyncOutcome::kRefused;
  report.message = message;
  record.last_error = message;
  {
    auto lock = StoreLock(options);
    report.pending_ops = PendingOps(store, record);
  }
  if (Status s = SaveSyncRecord(file, record); !s.ok()) {
    report.message += " (and the sync record could not be saved: " + s.message() + ")";
  }
  Tell(options, SyncPhase::kError, report);
  return report;
}

// The server answered 401 unknown_device: it no longer knows this credential
// (restored from a backup taken before this device enrolled). Nobody else has
// this origin, so the device enrolls again under it with the token and starts a
// fresh record: push is idempotent (the server skips the ops it has and takes
// the ones it lacks) and the pull re-reads the log once (applying is too).
// Returns the enrolled record, or nullopt with `unknown` turned into the
// refusal to report (no token; another server; the origin taken there).
Result<std::optional<SyncRecord>> EnrollAgainUnknown(
    Store& store, const std::filesystem::path& data_dir, SyncRecord& record,
    const DeviceSyncSettings& settings, const ClientOptions& options, SyncReport& unknown) {
  const std::filesystem::path file = SyncRecordFile(data_dir);
  const std::string token_file = settings.token_file.string();
  std::string token = ReadEnrollmentToken(settings.token_file);
  if (token.empty()) {
    unknown =
        Refused(store, record, file, options, unknown,
                "the server " + record.server_url + " does not know this device (" + record.device +
                    "; was it restored from a backup?). Its work stays on this device. "
                    "There is no enrollment token in " +
                    token_file +
                    " to enroll it again by itself: run `cairnctl enroll TOKEN` with a "
                    "token from IT (or put the token there), and the next sync sends "
                    "everything");
    return std::optional<SyncRecord>();
  }
  Origin self;
  {
    auto lock = StoreLock(options);
    self = store.self();
  }
  std::string code;
  Result<SyncRecord> enrolled = Enroll({token, "", DeviceName()}, self, options, &code);
  if (!enrolled.ok()) {
    if (code == kOriginTaken) {
      unknown = Refused(
          store, record, file, options, unknown,
          "the server " + record.server_url +
              " does not know this device's credential, and "
              "refused to enroll it again: " +
              enrolled.status().message() +
              ". Nothing was changed on this device and its work stays here. IT: check that "
              "device in `cairn-server devices` (a copy of this laptop, or the server restored "
              "from another backup); this device cannot sync until that is sorted out");
      return std::optional<SyncRecord>();
    }
    Status s = enrolled.status().code() == Status::Code::kIoError
                   ? Status::Unavailable(enrolled.status().message())
                   : enrolled.status();
    return s.WithContext(
        "the server does not know this device; enrolling it again with the "
        "token in " +
        token_file);
  }
  if (enrolled->server_origin != record.server_origin) {
    unknown = Refused(
        store, record, file, options, unknown,
        "the server at " + enrolled->server_url +
            " is not the school server this device "
            "synced with (it is " +
            enrolled->server_origin.Hex() + ", this device's is " + record.server_origin.Hex() +
            "): a new server, not one restored from a backup. Nothing was changed on this "
            "device and its work stays here. IT: to move this device to the new server, "
            "move " +
            data_dir.string() +
            " aside and enroll it again (its unsent work is in "
            "the old store)");
    return std::optional<SyncRecord>();
  }
  {
    auto lock = StoreLock(options);
    CAIRN_RETURN_IF_ERROR(AdoptEnrollment(store, data_dir, self, *enrolled));
  }
  return std::optional<SyncRecord>(std::move(enrolled).value());
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
  Tell(options, SyncPhase::kWaiting, waiting);
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
  if (report.server_error == kUnknownDevice) {
    const std::string old_device = record->device;
    CAIRN_ASSIGN_OR_RETURN(std::optional<SyncRecord> again,
                           EnrollAgainUnknown(store, data_dir, *record, settings, options, report));
    if (!again) return report;  // refused, and said why
    record = std::move(again);
    if (note) {
      note(DeviceEvent::kEnrolledAgain,
           "The server " + record->server_url + " no longer knew this device (" + old_device +
               "; restored from a backup?): enrolled it again as " + record->device +
               " with the token in " + settings.token_file.string() +
               ", keeping its id. Everything it holds goes again; the server skips what it has.");
    }
    return SyncRound(store, *record, file, settings.policy, options);
  }
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
