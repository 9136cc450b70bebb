#include "cairn/sync/client/device_identity.h"

#include <unistd.h>

#include <cctype>
#include <fstream>

#include "store_lock.h"

namespace cairn::sync {
namespace fs = std::filesystem;

fs::path StoreFile(const fs::path& data_dir) { return data_dir / "cairn.db"; }
fs::path OriginFile(const fs::path& data_dir) { return data_dir / "device-id"; }

Status StoreOrigin(const fs::path& data_dir, const Origin& origin) {
  return WriteFileAtomic(OriginFile(data_dir), origin.Hex() + "\n", 0600);
}

Status AdoptEnrollment(Store& store, const fs::path& data_dir, const Origin& origin,
                       const SyncRecord& record) {
  if (!store.initialized()) {
    CAIRN_RETURN_IF_ERROR(StoreOrigin(data_dir, origin));
    CAIRN_RETURN_IF_ERROR(store.Initialize(origin, StoreMode::kDevice, record.server_origin));
  } else {
    CAIRN_RETURN_IF_ERROR(store.SetAuthority(record.server_origin));
  }
  return SaveSyncRecord(SyncRecordFile(data_dir), record);
}

std::string DeviceName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "device";
  return name;
}

std::string WireFingerprint(const FingerprintSources& sources) {
  Result<std::string> fingerprint = MachineFingerprint(sources);
  return fingerprint.ok() ? *fingerprint : "";
}

Status RemoveDeviceIdentity(const fs::path& data_dir, std::string_view fingerprint, bool dry_run,
                            std::vector<fs::path>& removed) {
  // The sync client keeps the credential, the server's pin and both cursors in
  // this one file, so removing it removes all of them.
  fs::path record = SyncRecordFile(data_dir);
  fs::path record_tmp = record;
  record_tmp += ".tmp";
  for (const fs::path& f : {record, record_tmp}) {
    std::error_code ec;
    if (!fs::exists(f, ec)) continue;
    removed.push_back(f);
    if (dry_run) continue;
    if (!fs::remove(f, ec) && ec) {
      return Status::IoError("cannot remove " + f.string() + ": " + ec.message());
    }
  }
  std::error_code ec;
  if (fs::exists(FingerprintFile(data_dir), ec)) removed.push_back(FingerprintFile(data_dir));
  if (dry_run) return Status::Ok();
  return StoreFingerprint(data_dir, std::string(fingerprint));
}

Result<std::string> RenewIdentity(Store& store, const fs::path& data_dir,
                                  const std::string& fingerprint, std::string_view why) {
  Origin old = store.self();
  Origin fresh = Origin::Random();
  std::error_code ec;
  bool was_enrolled = fs::exists(SyncRecordFile(data_dir), ec);
  // Order matters for a crash half-way: the store's origin first (the truth), then
  // the files that follow from it; the fingerprint last, so an interrupted renewal
  // runs again (and takes yet another id, which is harmless) at the next start.
  CAIRN_RETURN_IF_ERROR(store.RenewOrigin(fresh));
  CAIRN_RETURN_IF_ERROR(StoreOrigin(data_dir, fresh));
  std::vector<fs::path> removed;
  CAIRN_RETURN_IF_ERROR(RemoveDeviceIdentity(data_dir, fingerprint, false, removed));
  return std::string(why) + ": it is now device " + fresh.Hex() + " (was " + old.Hex() + ")" +
         (was_enrolled ? "; the next sync enrolls it again with the token" : "");
}

Result<std::string> RenewIdentityIfMoved(Store& store, const fs::path& data_dir,
                                         const FingerprintSources& sources) {
  if (!store.initialized() || store.mode() == StoreMode::kServer) return std::string();
  Result<MachineCheckResult> check = CheckMachine(data_dir, sources);
  if (!check.ok() || check->check != MachineCheck::kChanged) return std::string();
  return RenewIdentity(store, data_dir, check->current,
                       "this store last ran on another machine (" +
                           std::string(check->stored == kPreparedImageFingerprint
                                           ? "a prepared image"
                                           : "a cloned disk or restored backup") +
                           ")");
}

std::string ReadEnrollmentToken(const fs::path& file) {
  std::ifstream in(file);
  std::string token;
  std::getline(in, token);
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  return token;
}

Result<std::optional<SyncRecord>> EnrollWithToken(Store& store, const fs::path& data_dir,
                                                  const std::string& token,
                                                  const ClientOptions& options) {
  Origin self;
  {
    auto lock = StoreLock(options);
    if (token.empty()) return std::optional<SyncRecord>();
    if (!store.initialized()) {
      // A fresh install: the store takes this origin once the server said yes.
      self = Origin::Random();
    } else if (store.mode() != StoreMode::kDevice) {
      return std::optional<SyncRecord>();
    } else {
      self = store.self();
    }
  }
  Result<SyncRecord> enrolled = Enroll({token, "", DeviceName()}, self, options);
  if (!enrolled.ok()) {
    return enrolled.status().code() == Status::Code::kIoError
               ? Status::Unavailable(enrolled.status().message())
               : enrolled.status();
  }
  {
    auto lock = StoreLock(options);
    CAIRN_RETURN_IF_ERROR(AdoptEnrollment(store, data_dir, self, *enrolled));
  }
  return std::optional<SyncRecord>(std::move(enrolled).value());
}

}  // namespace cairn::sync
