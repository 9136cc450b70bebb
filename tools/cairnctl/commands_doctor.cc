// `doctor`: checks the store and its surroundings, and says how to fix what is wrong.
#include <sys/statvfs.h>

#include <fstream>
#include <iostream>

#include "cairn/platform/clock.h"
#include "cairn/platform/origin.h"
#include "commands.h"
#include "human.h"
#include "session.h"

namespace cairn::cli {
namespace {

constexpr uint64_t kLowDiskBytes = 100ull * 1024 * 1024;
constexpr int64_t kClockSlackMillis = 5 * 60 * 1000;
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
  std::filesystem::path file = OriginFile(session.paths);
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

Status Doctor(const Args&) {
  std::cout << "Checking the Cairn store...\n";
  Result<Session> opened = OpenSession();
  if (!opened.ok()) {
    Report r;
    r.Problem("store", opened.status().message(),
              opened.status().code() == Status::Code::kBusy
                  ? "close the Cairn app or wait for the other cairnctl, then run doctor again"
                  : "see the message above");
    return Status::FailedPrecondition("1 problem found");
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
  CheckClock(r, store);
  CheckDisk(r, session.paths.data);
  std::string counts;
  for (const auto& [kind, n] : stats.ops_by_kind) {
    counts += (counts.empty() ? "" : ", ") + kind + " " + std::to_string(n);
  }
  r.Ok("ops", std::to_string(stats.total_ops) + " (" + (counts.empty() ? "none" : counts) + ")");
  if (r.problems() > 0) {
    return Status::FailedPrecondition(Count(static_cast<uint64_t>(r.problems()), "problem") +
                                      " found; see the fixes above");
  }
  std::cout << "All is well.\n";
  return Status::Ok();
}

}  // namespace

void AddDoctorCommand(std::vector<Command>& out) {
  out.push_back({"doctor",
                 "check the store's integrity, schema, device id, clock and disk space",
                 {},
                 {},
                 "Prints each check; for each problem, how to fix it. Exits with status 1\n"
                 "when something is wrong.",
                 Doctor});
}

}  // namespace cairn::cli
