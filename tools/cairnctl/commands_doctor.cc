// `doctor`: checks the store and its surroundings, and says how to fix what is wrong.
#include <sys/statvfs.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cairn/platform/clock.h"
#include "cairn/platform/config.h"
#include "cairn/platform/fingerprint.h"
#include "cairn/platform/network.h"
#include "cairn/platform/origin.h"
#include "cairn/sync/client/client.h"
#include "cairn/sync/client/device_identity.h"
#include "cairn/sync/client/device_sync.h"
#include "cairn/sync/client/sync_record.h"
#include "cairn/sync/enrollment_token.h"
#include "commands.h"
#include "human.h"
#include "session.h"

namespace cairn::cli {
namespace {

constexpr uint64_t kLowDiskBytes = 100ull * 1024 * 1024;
constexpr int64_t kClockSlackMillis = 5 * 60 * 1000;
// Own ops waiting longer than this since the last sync are worth IT's attention.
constexpr int64_t kStaleSyncMillis = 3 * 86'400'000;
// 2024-01-01: a wall clock before this was never set (a dead RTC battery).
constexpr int64_t kPlausibleMillis = 1'704'067'200'000;

class Report {
 public:
  void Ok(std::string_view what, const std::string& detail) {
    std::cout << "  ok       " << what << ": " << detail << "\n";
  }
  void Problem(std::string_view what, const std::string& detail, const std::string& fix) {
    ++problems_;
    std::cout << "  PROBLEM  " << what << ": " << detail << "\n           fix: " << fix << "\n";
  }
  int problems() const { return problems_; }

 private:
  int problems_ = 0;
};

void CheckDisk(Report& r, const std::filesystem::path& dir) {
  struct statvfs vfs {};
  if (::statvfs(dir.c_str(), &vfs) != 0) {
    r.Problem("disk", "cannot read the free space of " + dir.string(),
              "check that the directory exists and is readable");
    return;
  }
  uint64_t free_bytes = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  std::string detail = FormatBytes(free_bytes) + " free in " + dir.string();
  if (free_bytes < kLowDiskBytes) {
    r.Problem("disk", detail + " (less than " + FormatBytes(kLowDiskBytes) + ")",
              "free some space; Cairn keeps working but new records may fail to save");
  } else {
    r.Ok("disk", detail);
  }
}

void CheckClock(Report& r, const Store& store) {
  int64_t wall = SystemClock().NowMillis();
  int64_t stamp = HlcMillis(store.clock());
  if (wall < kPlausibleMillis) {
    r.Problem("clock", "this computer's clock says " + FormatTime(wall),
              "set the date and time (e.g. `timedatectl set-ntp true`)");
  } else if (stamp > wall + kClockSlackMillis) {
    r.Problem("clock",
              "the store's clock (" + FormatHlc(store.clock()) + ") is " +
                  FormatDuration(stamp - wall) + " ahead of this computer's (" + FormatTime(wall) +
                  ")",
              "check the date and time; if they are right, the clock was once set ahead. New "
              "records are still ordered correctly; nothing needs to be done unless the gap grows");
  } else {
    r.Ok("clock", FormatHlc(store.clock()) + ", wall clock " + FormatTime(wall));
  }
}

// The device id file must name the store's own origin (the store is the truth).
void CheckIdentity(Report& r, const Session& session) {
  std::filesystem::path file = sync::OriginFile(session.paths.data);
  std::string self = session.store->self().Hex();
  std::string fix = "run `echo " + self + " > " + file.string() + "`";
  std::ifstream in(file);
  std::string text;
  if (!in || !std::getline(in, text)) {
    r.Problem("device id", file.string() + " is missing or unreadable", fix);
    return;
  }
  Result<Origin> stored = Origin::FromHex(text);
  if (!stored.ok()) {
    r.Problem("device id", file.string() + " is damaged: " + stored.status().message(), fix);
  } else if (*stored != session.store->self()) {
    r.Problem("device id", file.string() + " says " + stored->Hex() + " but the store is " + self,
              fix);
  } else {
    r.Ok("device id", self + " (" + std::string(StoreModeName(session.store->mode())) + ")");
  }
}

// The effective configuration with origins, for IT; each bad line is a problem.
void CheckConfiguration(Report& r, const Config& config) {
  std::string values;
  for (const ConfigKey& k : ConfigKeys()) {
    const ConfigValue& v = config.Get(k.name);
    values += "\n           " + std::string(k.name) + " = " +
              (v.value.empty() ? "(none)" : v.value) + "  [" + v.origin + "]";
  }
  r.Ok("config", Count(config.files().size(), "file") + " read" + values);
  for (const std::string& p : config.problems()) {
    r.Problem("config", p + " (ignored; the rest applies)",
              "correct or delete that line; `cairnctl config` shows the result");
  }
}

// The enrollment token IT put in the image: parsed as the server parses it (its
// secret is the server's to judge).
void CheckToken(Report& r, const Config& config) {
  std::filesystem::path file = config.Value("enrollment_token_file");
  std::string token = sync::ReadEnrollmentToken(file);
  if (token.empty()) {
    if (config.Value("server_url").empty()) return;  // a standalone device: nothing to enroll with
    r.Problem("token", "no enrollment token in " + file.string() + " (from " +
                           config.Get("enrollment_token_file").origin + ")",
              "put the token from `cairn-server token create` there (`dpkg-reconfigure cairn`), "
              "or enroll with a join code in the app");
    return;
  }
  Result<sync::EnrollmentToken> parsed = sync::ParseToken(token);
  if (!parsed.ok()) {
    r.Problem("token", file.string() + ": " + parsed.status().message(),
              "copy the whole line `cairn-server token create` printed (it starts with cairn1.)");
  } else {
    r.Ok("token", file.string() + " holds an enrollment token for " + parsed->url);
  }
}

// What to do about a credential the server refused with `server_error`.
std::string CredentialFix(const std::string& server_error, const Config& config) {
  const std::string token_file = config.Value("enrollment_token_file");
  const bool token = !sync::ReadEnrollmentToken(token_file).empty();
  if (server_error == sync::kFingerprintMismatch) {
    return token ? "run `cairnctl sync`: this copy takes a new device id and enrolls with the "
                   "token in " +
                       token_file
                 : "put IT's enrollment token in " + token_file +
                       ", then run `cairnctl sync`: this copy takes a new device id and enrolls";
  }
  if (server_error == sync::kUnknownDevice) {
    return token ? "run `cairnctl sync`: it enrolls this device again with the token in " +
                       token_file + " (same device id) and sends everything it holds"
                 : "run `cairnctl enroll TOKEN` with a token from IT (same device id), then "
                   "`cairnctl sync` sends everything it holds";
  }
  if (server_error == "revoked_device") {
    return "the school revoked this device; ask IT whether it should enroll again";
  }
  return "ask IT: the server refused this device's credential";
}

// The server this device syncs with, as the sync would meet it: reachable, the
// pinned certificate, the credential, the clock; then the sync's own progress.
void CheckSync(Report& r, Session& session, const Config& config) {
  std::filesystem::path file = sync::SyncRecordFile(session.paths.data);
  Result<std::optional<sync::SyncRecord>> loaded = sync::LoadSyncRecord(file);
  if (!loaded.ok()) {
    r.Problem(
        "sync", loaded.status().message(),
        "move " + file.string() + " aside; `cairnctl sync` then enrolls again with the token");
    return;
  }
  if (!*loaded) {
    if (session.store->mode() != StoreMode::kDevice) return;  // standalone: no server
    Result<std::string> stored = ReadStoredFingerprint(session.paths.data);
    if (stored.ok() && *stored == kPreparedImageFingerprint) {
      r.Ok("sync", "not enrolled: prepared for imaging, each copy enrolls at its first sync");
      return;
    }
    r.Problem("sync", "this device is not enrolled with a school server",
              "run `cairnctl sync` (it enrolls with the token in " +
                  config.Value("enrollment_token_file") + ") or `cairnctl enroll TOKEN`");
    return;
  }
  const sync::SyncRecord& record = **loaded;
  const std::string& url = record.server_url;
  if (!ProbeReachable(url)) {
    r.Problem("server", url + " cannot be reached (no connection within 2 s)",
              "check this computer's network and that cairn-server runs there "
              "(`systemctl status cairn-server` on the server); the work waits here meanwhile");
  } else {
    sync::ServerCheck check =
        sync::CheckServer(*session.store, record, sync::DeviceSyncSettingsFrom(config).options);
    if (check.pin_mismatch) {
      r.Ok("server", url + " answers");
      r.Problem(
          "certificate", check.message,
          "if the school replaced its certificate, give this device a new token "
          "(`cairn-server token create`) and enroll again; otherwise ask IT who answers there");
    } else if (check.outcome == sync::SyncOutcome::kDone) {
      r.Ok("server", url + " answers as " + record.device + " (round trip " +
                         std::to_string(check.round_trip_ms) + " ms)");
      r.Ok("certificate",
           record.pin.empty()
               ? std::string("not pinned (plain HTTP: a loopback test server)")
               : "the server showed the pinned key " + sync::PinFingerprint(record.pin));
      std::string ahead = check.skew_ms >= 0 ? "ahead of" : "behind";
      std::string skew = FormatDuration(std::abs(check.skew_ms)) + " " + ahead + " the server's";
      if (std::abs(check.skew_ms) > kClockSlackMillis) {
        r.Problem("clock skew", "this computer's clock is " + skew,
                  "set the date and time (`timedatectl set-ntp true`); records stay ordered, but "
                  "times shown to teachers are off");
      } else {
        r.Ok("clock skew", "this computer's clock is " + skew);
      }
    } else if (check.outcome == sync::SyncOutcome::kRefused) {
      r.Problem("credential", check.message, CredentialFix(check.server_error, config));
    } else {
      r.Problem("server", check.message,
                "wait a few minutes and run doctor again; if it lasts, look at "
                "`journalctl -u cairn-server` on the server");
    }
  }
  int64_t now = SystemClock().NowMillis();
  uint64_t pending = sync::PendingOps(*session.store, record);
  std::string last = record.last_sync_ms ? FormatTime(record.last_sync_ms) : "never";
  if (!record.last_error.empty()) {
    r.Problem("last sync",
              last + "; the last try (" + FormatTime(record.last_attempt_ms) +
                  ") failed: " + record.last_error,
              "fix what the checks above say, then run `cairnctl sync`");
  } else {
    r.Ok("last sync", last);
  }
  std::string waiting = Count(pending, "op") + " of this device waiting to be sent";
  if (pending > 0 && now - record.last_sync_ms > kStaleSyncMillis) {
    r.Problem("pending", waiting + ", the last sync was " + last,
              "connect to the school network and run `cairnctl sync`; check that the sync timer "
              "runs (`systemctl --user status cairn-sync.timer`)");
  } else {
    r.Ok("pending", waiting);
  }
}

// Is this the machine the store last ran on? A copy (cloned disk, restored
// backup) must not keep syncing under the original's device id.
void CheckMachineIdentity(Report& r, const Paths& paths) {
  Result<std::string> current = MachineFingerprint(DefaultFingerprintSources());
  if (!current.ok()) {
    r.Problem("machine", current.status().message(),
              "as root: `systemd-machine-id-setup`, then run doctor again");
    return;
  }
  Result<std::string> stored = ReadStoredFingerprint(paths.data);
  if (!stored.ok()) {
    r.Ok("machine", "no fingerprint stored yet; this machine's is taken at the next start");
  } else if (*stored == kPreparedImageFingerprint) {
    r.Ok("machine", "prepared for imaging (`cairnctl prepare-image`): each copy takes a new "
                    "device id and enrolls at its first start");
  } else if (*stored != *current) {
    r.Problem("machine",
              "this store last ran on another machine (a cloned disk or a restored backup) and "
              "was not given a new device id",
              "run any other cairnctl command (e.g. `cairnctl status`): it takes a new id and "
              "`cairnctl sync` enrolls again (installers/IMAGING.md)");
  } else {
    r.Ok("machine", "the store last ran on this machine");
  }
}

Status Doctor(const Args&) {
  std::cout << "Checking the configuration...\n";
  Config config = Config::Load(DefaultConfigSources());
  int config_problems = 0;
  {
    Report r;
    CheckConfiguration(r, config);
    CheckToken(r, config);
    config_problems = r.problems();
  }
  std::cout << "Checking the Cairn store...\n";
  Result<Session> opened = OpenSessionToInspect();
  if (!opened.ok() && opened.status().code() == Status::Code::kNotFound &&
      !InstalledTokenFile().empty()) {
    // A fresh install with IT's token: nothing wrong, the first sync sets it up.
    Report r;
    r.Ok("store", opened.status().message());
    if (config_problems > 0) {
      return Status::FailedPrecondition(Count(static_cast<uint64_t>(config_problems), "problem") +
                                        " found; see the fixes above");
    }
    std::cout << "All is well.\n";
    return Status::Ok();
  }
  if (!opened.ok()) {
    Report r;
    r.Problem("store", opened.status().message(),
              opened.status().code() == Status::Code::kBusy
                  ? "close the Cairn app or wait for the other cairnctl, then run doctor again"
                  : "see the message above");
    return Status::FailedPrecondition(Count(static_cast<uint64_t>(config_problems) + 1, "problem") +
                                      " found");
  }
  Session& session = *opened;
  const Store& store = *session.store;
  Report r;
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> problems, store.Check());
  if (problems.empty()) {
    r.Ok("integrity", "the database and the op log are sound");
  } else {
    for (const std::string& p : problems) {
      r.Problem("integrity", p,
                "copy " + session.store_file.string() +
                    " somewhere safe, then ask for help: the ops in it can be recovered");
    }
  }
  CAIRN_ASSIGN_OR_RETURN(StoreStats stats, store.Stats());
  if (stats.schema_version == kSchemaVersion) {
    r.Ok("schema", "version " + std::to_string(stats.schema_version) + " (current)");
  } else {
    r.Problem("schema",
              "version " + std::to_string(stats.schema_version) + ", this build uses " +
                  std::to_string(kSchemaVersion),
              "open the store once with this cairnctl to migrate it");
  }
  CheckIdentity(r, session);
  if (session.identity_note.empty()) {
    CheckMachineIdentity(r, session.paths);
  } else {
    r.Ok("machine", session.identity_note);  // renewed as the session opened
  }
  CheckClock(r, store);
  CheckDisk(r, session.paths.data);
  CheckSync(r, session, config);
  std::string counts;
  for (const auto& [kind, n] : stats.ops_by_kind) {
    counts += (counts.empty() ? "" : ", ") + kind + " " + std::to_string(n);
  }
  r.Ok("ops", std::to_string(stats.total_ops) + " (" + (counts.empty() ? "none" : counts) + ")");
  if (r.problems() + config_problems > 0) {
    return Status::FailedPrecondition(Count(static_cast<uint64_t>(r.problems() + config_problems),
                                            "problem") +
                                      " found; see the fixes above");
  }
  std::cout << "All is well.\n";
  return Status::Ok();
}

}  // namespace

void AddDoctorCommand(std::vector<Command>& out) {
  out.push_back({"doctor",
                 "check configuration, token, store, device id, clock, disk and the server",
                 {},
                 {},
                 "Prints each check; for each problem, how to fix it. On an enrolled device\n"
                 "it also asks the school server, as a sync would (one request, nothing sent):\n"
                 "reachable, the pinned certificate, the credential, the clock skew; then the\n"
                 "last sync and what waits to be sent. Exits with status 1 when something is\n"
                 "wrong.",
                 Doctor});
}

}  // namespace cairn::cli
