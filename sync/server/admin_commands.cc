#include "admin_commands.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "cairn/agent/blob_store.h"
#include "cairn/agent/kinds.h"
#include "cairn/agent/pack.h"
#include "cairn/agent/sqlite.h"
#include "cairn/sync/enrollment_token.h"
#include "cairn/sync/server/model_fit.h"
#include "cairn/sync/server/server.h"
#include "cairn/sync/server/storage.h"
#include "cairn/sync/server/tls.h"

namespace cairn::server {
namespace {

using cli::Args;
using cli::Command;
using cli::Flag;
using nlohmann::json;

const Flag kDataFlag{"data", "DIR", "the server's data directory (default: $CAIRN_SERVER_DATA)"};

Result<std::filesystem::path> DataDir(const Args& args) {
  std::string dir = args.Get("data");
  if (dir.empty()) {
    if (const char* env = std::getenv("CAIRN_SERVER_DATA")) dir = env;
  }
  if (dir.empty()) {
    return cli::UsageError("no data directory: pass --data DIR or set CAIRN_SERVER_DATA");
  }
  return std::filesystem::path(dir);
}

Result<std::unique_ptr<ServerStorage>> Open(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(std::filesystem::path dir, DataDir(args));
  Result<std::unique_ptr<ServerStorage>> storage = OpenSqliteStorage({.dir = dir});
  if (!storage.ok() && storage.status().code() == Status::Code::kBusy) {
    return Status::Busy(storage.status().message() +
                        " (a running `cairn-server serve` holds it; stop it first. Beside a "
                        "running server: backup, devices and device revoke)");
  }
  return storage;
}

// An id for a new record: --id, else the name in lower case with dashes; refused
// when taken.
Result<std::string> NewId(ServerStorage& storage, std::string_view kind, const Args& args,
                          const std::string& name) {
  std::string id = args.Get("id");
  if (id.empty()) {
    for (char c : name) {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        id.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      } else if (!id.empty() && id.back() != '-') {
        id.push_back('-');
      }
    }
    while (!id.empty() && id.back() == '-') id.pop_back();
    if (id.empty()) return cli::UsageError("cannot make an id from \"" + name + "\"; pass --id");
  }
  CAIRN_RETURN_IF_ERROR(ValidateId(id, std::string(kind) + " id"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<json> existing, storage.Entity(kind, id));
  if (existing) {
    return Status::FailedPrecondition("there is already a " + std::string(kind) + " with id " + id +
                                      "; pass another --id");
  }
  return id;
}

Result<json> Existing(ServerStorage& storage, std::string_view kind, const std::string& id) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<json> e, storage.Entity(kind, id));
  if (!e) return Status::NotFound("no " + std::string(kind) + " with id " + id);
  return *e;
}

// --school, or the only school.
Result<std::string> SchoolFor(ServerStorage& storage, const Args& args) {
  if (args.Has("school")) {
    CAIRN_RETURN_IF_ERROR(Existing(storage, "school", args.Get("school")).status());
    return args.Get("school");
  }
  Store* store = storage.AgentStore();
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> schools, store->Entities("school"));
  if (schools.size() == 1) return schools.front().at("school").get<std::string>();
  if (schools.empty()) {
    return Status::FailedPrecondition("no school yet; run `cairn-server school create NAME`");
  }
  return Status::FailedPrecondition("there are several schools; pick one with --school");
}

Status Append(ServerStorage& storage, const std::vector<std::pair<std::string, json>>& ops) {
  return storage.AppendServerOps(ops).status();
}

Status SchoolCreate(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, args.Name("name"));
  CAIRN_ASSIGN_OR_RETURN(auto storage, Open(args));
  CAIRN_ASSIGN_OR_RETURN(std::string id, NewId(*storage, "school", args, name));
  CAIRN_RETURN_IF_ERROR(Append(*storage, {{"school", {{"school", id}, {"name", name}}}}));
  std::cout << "Created school " << name << " (id " << id << ")\n";
  return Status::Ok();
}

Status ClassCreate(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, args.Name("name"));
  CAIRN_ASSIGN_OR_RETURN(auto storage, Open(args));
  CAIRN_ASSIGN_OR_RETURN(std::string school, SchoolFor(*storage, args));
  CAIRN_ASSIGN_OR_RETURN(std::string id, NewId(*storage, "class", args, name));
  json body = {{"class", id}, {"school", school}, {"name", name}};
  if (args.Has("grade")) body["grade"] = args.Get("grade");
  CAIRN_RETURN_IF_ERROR(Append(*storage, {{"class", body}}));
  std::cout << "Created class " << name << " (id " << id << ")\n";
  return Status::Ok();
}

Status TeacherAdd(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, args.Name("name"));
  CAIRN_ASSIGN_OR_RETURN(auto storage, Open(args));
  CAIRN_ASSIGN_OR_RETURN(std::string school, SchoolFor(*storage, args));
  CAIRN_ASSIGN_OR_RETURN(std::string id, NewId(*storage, "teacher", args, name));
  std::vector<std::pair<std::string, json>> ops = {
      {"teacher", {{"teacher", id}, {"school", school}, {"name", name}}}};
  for (const std::string& c : args.List("classes")) {
    CAIRN_RETURN_IF_ERROR(Existing(*storage, "class", c).status());
    ops.push_back({"class_teacher", {{"class", c}, {"teacher", id}, {"active", true}}});
  }
  CAIRN_RETURN_IF_ERROR(Append(*storage, ops));
  std::cout << "Added teacher " << name << " (id " << id << ")\n";
  return Status::Ok();
}

Status LearnerAdd(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, args.Name("name"));
  CAIRN_ASSIGN_OR_RETURN(auto storage, Open(args));
  CAIRN_ASSIGN_OR_RETURN(std::string school, SchoolFor(*storage, args));
  CAIRN_ASSIGN_OR_RETURN(std::string id, NewId(*storage, "learner", args, name));
  json body = {{"learner", id}, {"school", school}, {"display_name", name}};
  if (args.Has("given")) body["given_name"] = args.Get("given");
  if (args.Has("family")) body["family_name"] = args.Get("family");
  std::vector<std::pair<std::string, json>> ops = {{"learner", body}};
  for (const std::string& c : args.List("classes")) {
    CAIRN_RETURN_IF_ERROR(Existing(*storage, "class", c).status());
    ops.push_back({"enrollment", {{"class", c}, {"learner", id}, {"active", true}}});
  }
  CAIRN_RETURN_IF_ERROR(Append(*storage, ops));
  std::cout << "Added learner " << name << " (id " << id << ")\n";
  return Status::Ok();
}

Status Enroll(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(auto storage, Open(args));
  std::string klass = args.Get("class");
  CAIRN_RETURN_IF_ERROR(Existing(*storage, "class", klass).status());
  bool active = !args.Has("remove");
  std::vector<std::pair<std::string, json>> ops;
  for (const std::string& l : args.All("learner")) {
    CAIRN_RETURN_IF_ERROR(Existing(*storage, "learner", l).status());
    ops.push_back({"enrollment", {{"class", klass}, {"learner", l}, {"active", active}}});
  }
  CAIRN_RETURN_IF_ERROR(Append(*storage, ops));
  for (const std::string& l : args.All("learner")) {
    std::cout << (active ? "Enrolled " : "Removed ") << l << (active ? " in " : " from ") << klass
              << "\n";
  }
  return Status::Ok();
}

// One CSV line split into fields: commas, double-quoted fields with "" for a quote.
Result<std::vector<std::string>> CsvFields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back().push_back(c);
      }
    } else if (c == '"' && out.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back().push_back(c);
    }
  }
  if (quoted) return Status::InvalidArgument("a quoted field does not end");
  for (std::string& f : out) {
    size_t b = f.find_first_not_of(' ');
    size_t e = f.find_last_not_of(' ');
    f = b == std::string::npos ? "" : f.substr(b, e - b + 1);
  }
  return out;
}

constexpr std::string_view kRosterColumns = "learner,display_name,given_name,family_name,class";

Status RosterImport(const Args& args) {
  std::string file = args.Get1("file");
  std::ifstream in(file);
  if (!in) return Status::NotFound("cannot read " + file);
  CAIRN_ASSIGN_OR_RETURN(auto storage, Open(args));
  CAIRN_ASSIGN_OR_RETURN(std::string school, SchoolFor(*storage, args));
  std::vector<std::string> problems;
  std::vector<std::pair<std::string, json>> ops;
  std::set<std::string> seen_learners;
  std::string line;
  size_t number = 0, learners = 0, enrollments = 0;
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \r") == std::string::npos) continue;
    auto where = [&] { return file + " line " + std::to_string(number) + ": "; };
    Result<std::vector<std::string>> fields = CsvFields(line);
    if (!fields.ok()) {
      problems.push_back(where() + fields.status().message());
      continue;
    }
    if (header.empty()) {
      header = *fields;
      std::string joined;
      for (const std::string& h : header) joined += (joined.empty() ? "" : ",") + h;
      if (joined != kRosterColumns) {
        return Status::InvalidArgument(where() + "the first line must name the columns " +
                                       std::string(kRosterColumns) + " (got " + joined + ")");
      }
      continue;
    }
    if (fields->size() != header.size()) {
      problems.push_back(where() + "expected " + std::to_string(header.size()) + " fields, got " +
                         std::to_string(fields->size()));
      continue;
    }
    const std::vector<std::string>& f = *fields;
    Status id_ok = ValidateId(f[0], "learner id");
    if (!id_ok.ok()) {
      problems.push_back(where() + id_ok.message());
      continue;
    }
    if (f[1].empty()) {
      problems.push_back(where() + "display_name is empty");
      continue;
    }
    if (!seen_learners.count(f[0])) {
      seen_learners.insert(f[0]);
      json body = {{"learner", f[0]}, {"school", school}, {"display_name", f[1]}};
      if (!f[2].empty()) body["given_name"] = f[2];
      if (!f[3].empty()) body["family_name"] = f[3];
      Status valid = ValidateBody(*FindKind("learner"), body);
      if (!valid.ok()) {
        problems.push_back(where() + valid.message());
        continue;
      }
      ops.push_back({"learner", body});
      ++learners;
    }
    if (!f[4].empty()) {
      Result<std::optional<json>> klass = storage->Entity("class", f[4]);
      if (!klass.ok()) return klass.status();
      if (!*klass) {
        problems.push_back(where() + "no class with id " + f[4] +
                           " (create it first with `cairn-server class create`)");
        continue;
      }
      ops.push_back({"enrollment", {{"class", f[4]}, {"learner", f[0]}, {"active", true}}});
      ++enrollments;
    }
  }
  if (header.empty()) return Status::InvalidArgument(file + " is empty");
  if (!problems.empty()) {
    std::string m = file + " has " + std::to_string(problems.size()) +
                    (problems.size() == 1 ? " problem" : " problems") + "; nothing was imported:";
    for (const std::string& p : problems) m += "\n  " + p;
    return Status::InvalidArgument(m);
  }
  CAIRN_RETURN_IF_ERROR(Append(*storage, ops));
  std::cout << "Imported " << learners << " learners and " << enrollments << " enrollments from "
            << file << "\n";
  return Status::Ok();
}

Status PackPublish(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(Pack pack, ReadPack(args.Get1("file")));
  CAIRN_ASSIGN_OR_RETURN(auto storage, Open(args));
  // The file itself too, before the ops that name it: devices fetch it as a blob
  // (PROTOCOL.md, "Pack files"), so the op never names a file the server lacks.
  std::ifstream in(args.Get1("file"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CAIRN_ASSIGN_OR_RETURN(BlobFile blob, storage->PutBlob(bytes));
  if (blob.sha256 != pack.content_hash) {
    return Status::FailedPrecondition(args.Get1("file") +
                                      " changed while it was being published; publish it again");
  }
  CAIRN_ASSIGN_OR_RETURN(PackImport result, ImportPack(*storage->AgentStore(), pack));
  if (result.already_present) {
    std::cout << "The pack " << pack.id << " " << pack.version << " is already published\n";
    return Status::Ok();
  }
  std::cout << "Published " << pack.title << " (" << pack.id << " " << pack.version
            << "): " << pack.competencies << " competencies, " << pack.lessons << " lessons, "
            << pack.items << " items; devices receive it on their next sync\n";
  return Status::Ok();
}

// "30d", "12h", "90m", or a date YYYY-MM-DD (end of that day, UTC).
Result<int64_t> ExpiryMillis(std::string_view text, int64_t now_ms) {
  auto bad = [&] {
    return cli::UsageError(
        "--expires: expected a duration such as 30d, 12h or 90m, or a date "
        "YYYY-MM-DD; got \"" +
        std::string(text) + "\"");
  };
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    std::tm tm{};
    std::istringstream in{std::string(text)};
    in >> std::get_time(&tm, "%Y-%m-%d");
    if (in.fail()) return bad();
    tm.tm_hour = 23;
    tm.tm_min = 59;
    tm.tm_sec = 59;
    int64_t t = static_cast<int64_t>(timegm(&tm)) * 1000;
    if (t <= now_ms) return cli::UsageError("--expires: " + std::string(text) + " is in the past");
    return t;
  }
  if (text.size() < 2) return bad();
  int64_t n = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9' || n > 1'000'000) return bad();
    n = n * 10 + (c - '0');
  }
  int64_t unit = text.back() == 'd'   ? 86'400'000
                 : text.back() == 'h' ? 3'600'000
                 : text.back() == 'm' ? 60'000
                                      : 0;
  if (unit == 0 || n == 0) return bad();
  return now_ms + n * unit;
}

Status TokenCreate(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(std::string role_name,
                         args.OneOf("role", {"student-device", "teacher-device"}));
  std::vector<std::string> classes = args.List("classes");
  if (classes.empty()) {
    return cli::UsageError(
        "--classes: name the classes the enrolled devices serve (ids, "
        "comma-separated)");
  }
  CAIRN_ASSIGN_OR_RETURN(std::filesystem::path dir, DataDir(args));
  int64_t now = SystemClock().NowMillis();
  int64_t expires = 0;
  if (args.Has("expires")) {
    CAIRN_ASSIGN_OR_RETURN(expires, ExpiryMillis(args.Get("expires"), now));
  }
  CAIRN_ASSIGN_OR_RETURN(auto storage, Open(args));
  for (const std::string& c : classes) {
    CAIRN_RETURN_IF_ERROR(Existing(*storage, "class", c).status());
  }
  std::string url = args.Get("url");
  if (url.empty()) {
    CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> saved, storage->Setting("url"));
    if (!saved) {
      return Status::FailedPrecondition(
          "the server's address is not known yet: pass --url https://HOST:PORT, or run "
          "`cairn-server serve` once (it remembers its address)");
    }
    url = *saved;
  }
  CAIRN_ASSIGN_OR_RETURN(TlsFiles tls, EnsureSelfSignedCertificate(dir));
  std::string cert = args.Has("cert") ? args.Get("cert") : tls.cert.string();
  CAIRN_ASSIGN_OR_RETURN(std::string pin, SpkiPin(cert));
  TokenRecord t;
  t.role = *RoleFromName(role_name);
  t.classes = classes;
  t.created_ms = now;
  t.expires_ms = expires;
  std::string secret = sync::RandomSecret(32);
  std::string join = sync::NewJoinCode();
  CAIRN_ASSIGN_OR_RETURN(
      TokenRecord saved,
      storage->CreateToken(t, sync::Sha256("token:" + secret),
                           sync::Sha256("join:" + sync::NormalizeJoinCode(join))));
  std::cout << "Enrollment token " << saved.id << " for " << role_name << "s of ";
  for (size_t i = 0; i < classes.size(); ++i) std::cout << (i ? ", " : "") << classes[i];
  std::cout << (expires ? "" : " (never expires)") << "\n\n"
            << sync::FormatToken({url, pin, secret}) << "\n\n"
            << "Join code: " << join << "  (typed in the client with the server address " << url
            << ")\n";
  return Status::Ok();
}

std::string When(int64_t ms) {
  if (ms == 0) return "never";
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

// A read-only view of the data in `dir` for a command (no server writes beside it).
Result<std::unique_ptr<ServerStorage>> OpenView(const std::filesystem::path& dir) {
  return OpenSqliteReader(
      {.dir = dir},
      ReaderHooks{
          .clock = [] { return Hlc{0}; },
          .write_later = [](auto) {},
          .write_now =
              [](auto) { return Status::FailedPrecondition("a read-only command does not write"); },
      });
}

// For commands that only read: the storage, or beside a running server (which
// holds ops.db) a read-only view of it.
Result<std::unique_ptr<ServerStorage>> OpenToRead(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(std::filesystem::path dir, DataDir(args));
  Result<std::unique_ptr<ServerStorage>> storage = OpenSqliteStorage({.dir = dir});
  if (storage.ok() || storage.status().code() != Status::Code::kBusy) return storage;
  return OpenView(dir);
}

// Files under `from` (tls/, blobs/) copied into `to`; how many.
Result<uint64_t> CopyFiles(const std::filesystem::path& from, const std::filesystem::path& to) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(from, ec)) return uint64_t{0};
  fs::copy(from, to, fs::copy_options::recursive, ec);
  if (ec) return Status::IoError("cannot copy " + from.string() + ": " + ec.message());
  uint64_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(to, ec)) files += e.is_regular_file();
  return files;
}

// A copy of the data directory that is itself one: each database as one
// consistent snapshot (SQLite's online backup), then the certificate and the
// files. ops.db first: every device and file its ops name is then in the copy
// too (the server only adds them). Works beside a running server.
Status Backup(const Args& args) {
  namespace fs = std::filesystem;
  CAIRN_ASSIGN_OR_RETURN(fs::path dir, DataDir(args));
  const fs::path to = args.Get1("dir");
  std::error_code ec;
  if (!fs::exists(dir / "ops.db", ec)) {
    return Status::NotFound("no cairn-server data in " + dir.string());
  }
  if (fs::exists(to, ec) && !fs::is_empty(to, ec)) {
    return Status::FailedPrecondition(to.string() +
                                      " is not empty; back up into a new directory (nothing was "
                                      "written)");
  }
  fs::create_directories(to, ec);
  if (ec) return Status::IoError("cannot create " + to.string() + ": " + ec.message());
  ::chmod(to.c_str(), 0700);
  for (const char* name : {"ops.db", "server.db"}) {
    CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> db,
                           sql::Database::Open(dir / name, {.read_only = true}));
    CAIRN_RETURN_IF_ERROR(db->BackupTo(to / name));
  }
  CAIRN_ASSIGN_OR_RETURN(uint64_t certs, CopyFiles(dir / "tls", to / "tls"));
  CAIRN_ASSIGN_OR_RETURN(uint64_t files, CopyFiles(BlobStoreDir(dir), BlobStoreDir(to)));
  // What the copy holds, read from the copy.
  CAIRN_ASSIGN_OR_RETURN(auto copy, OpenView(to));
  CAIRN_ASSIGN_OR_RETURN(StoreStats stats, copy->LogStats());
  CAIRN_ASSIGN_OR_RETURN(std::vector<DeviceRecord> devices, copy->ListDevices());
  std::cout << "Backed up " << dir.string() << " to " << to.string() << ": " << stats.total_ops
            << " ops, " << devices.size() << (devices.size() == 1 ? " device, " : " devices, ")
            << files << (files == 1 ? " file, " : " files, ")
            << (certs > 0 ? "the certificate" : "no certificate (none made yet)") << ".\n"
            << "To restore: stop the server, put a copy of " << to.string()
            << " in place of the data directory (owned by the server's user), start it.\n";
  return Status::Ok();
}

// Ops the device said it holds that the server has not acknowledged.
uint64_t OpsNotSent(const DeviceRecord& d, uint64_t acked) {
  return d.reported_seq > acked ? d.reported_seq - acked : 0;
}

// What a device still holds that the server has not: "3 ops, 1 file", "none",
// or "-" for a device that never said (not synced yet, or an older Cairn).
std::string PendingText(const DeviceRecord& d, uint64_t acked) {
  if (!d.reported) return "-";
  uint64_t ops = OpsNotSent(d, acked);
  if (ops == 0 && d.pending_files == 0) return "none";
  std::string out;
  if (ops > 0) out = std::to_string(ops) + (ops == 1 ? " op" : " ops");
  if (d.pending_files > 0) {
    out += (out.empty() ? "" : ", ") + std::to_string(d.pending_files) +
           (d.pending_files == 1 ? " file" : " files");
  }
  return out;
}

Status Devices(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(auto storage, OpenToRead(args));
  CAIRN_ASSIGN_OR_RETURN(std::vector<DeviceRecord> devices, storage->ListDevices());
  if (devices.empty()) {
    std::cout << "No devices enrolled yet; create a token with `cairn-server token create`.\n";
    return Status::Ok();
  }
  std::printf("%-6s %-15s %-8s %-20s %-21s %8s %-16s %7s  %s\n", "ID", "ROLE", "STATE", "NAME",
              "LAST SYNC", "ACKED", "NOT YET SENT", "SKEW", "CLASSES");
  size_t holding = 0;
  for (const DeviceRecord& d : devices) {
    CAIRN_ASSIGN_OR_RETURN(uint64_t acked, storage->Acked(d.origin));
    std::string classes;
    for (const std::string& c : d.classes) classes += (classes.empty() ? "" : ",") + c;
    std::string skew = d.last_sync_ms ? std::to_string(d.clock_skew_ms / 1000) + " s" : "-";
    std::string pending = PendingText(d, acked);
    if (d.reported && !d.revoked && (OpsNotSent(d, acked) > 0 || d.pending_files > 0)) ++holding;
    std::printf("%-6s %-15s %-8s %-20s %-21s %8llu %-16s %7s  %s\n", d.Label().c_str(),
                std::string(RoleName(d.role)).c_str(), d.revoked ? "revoked" : "active",
                d.name.substr(0, 20).c_str(), When(d.last_sync_ms).c_str(),
                static_cast<unsigned long long>(acked), pending.c_str(), skew.c_str(),
                classes.c_str());
  }
  std::printf("%zu device%s; %zu with work not yet on the server (as of their last sync)\n",
              devices.size(), devices.size() == 1 ? "" : "s", holding);
  std::fflush(stdout);
  return Status::Ok();
}

Status ModelFit(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(auto storage, Open(args));
  CAIRN_ASSIGN_OR_RETURN(ModelFitSummary fit, FitAndPublishMastery(*storage));
  std::cout << "Fitted the mastery model on " << fit.attempts << " answers and "
            << fit.observations << " observations of " << fit.learners << " learners; published "
            << fit.published << " competencies' parameters to devices (they arrive with the "
            << "next sync).\n";
  if (!fit.too_little_evidence.empty()) {
    std::cout << fit.too_little_evidence.size()
              << " competencies have too little evidence yet and keep the defaults.\n";
  }
  return Status::Ok();
}

Status DeviceRevoke(const Args& args) {
  std::string ref = args.Get1("device");
  std::string digits = ref.starts_with("d") ? ref.substr(1) : ref;
  int64_t id = 0;
  for (char c : digits) {
    if (c < '0' || c > '9' || id > 1'000'000'000) return cli::UsageError("not a device id: " + ref);
    id = id * 10 + (c - '0');
  }
  if (digits.empty()) return cli::UsageError("not a device id: " + ref);
  // Only server.db: this works beside a running `cairn-server serve`.
  CAIRN_ASSIGN_OR_RETURN(std::filesystem::path dir, DataDir(args));
  CAIRN_RETURN_IF_ERROR(RevokeDeviceBesideServer(dir, id));
  std::cout << "Revoked device d" << id
            << "; its credential is refused from now on. Ops it already sent stay.\n";
  return Status::Ok();
}

Status Serve(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(std::filesystem::path dir, DataDir(args));
  std::string listen = args.Get("listen", "127.0.0.1:8443");
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return cli::UsageError("--listen: expected ADDR:PORT");
  ServerOptions options;
  options.address = listen.substr(0, colon);
  if (options.address.starts_with("["))
    options.address = options.address.substr(1, options.address.size() - 2);
  int port = 0;
  for (char c : listen.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535)
      return cli::UsageError("--listen: bad port in " + listen);
    port = port * 10 + (c - '0');
  }
  if (port > 65535) return cli::UsageError("--listen: bad port in " + listen);
  options.port = static_cast<uint16_t>(port);
  options.insecure_http = args.Has("insecure-http");
  options.log = &std::cout;
  if (args.Has("cert") != args.Has("key")) {
    return cli::UsageError("--cert and --key go together");
  }
  bool plain = args.Has("plain-http");
  if (args.Has("cert")) {
    options.cert = args.Get("cert");
    options.key = args.Get("key");
  } else if (!plain) {
    CAIRN_ASSIGN_OR_RETURN(TlsFiles tls, EnsureSelfSignedCertificate(dir));
    options.cert = tls.cert;
    options.key = tls.key;
  }
  // Signals are taken by a thread of ours rather than handlers, so that Stop()
  // runs in ordinary code.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Every device syncing at once is a connection each: a soft limit of 1,024
  // descriptors (the usual default) is below a school's morning.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  CAIRN_ASSIGN_OR_RETURN(auto storage, Open(args));
  std::string scheme = plain ? "http" : "https";
  std::string url = args.Get("url");
  if (url.empty() && options.port != 0) {
    bool any = options.address == "0.0.0.0" || options.address == "::";
    url = scheme + "://" + (any ? std::string("localhost") : options.address) + ":" +
          std::to_string(options.port);
  }
  // Remembered so that `token create` can default to it.
  if (!url.empty()) CAIRN_RETURN_IF_ERROR(storage->SetSetting("url", url));
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<Server> server,
                         Server::Start(std::move(storage), options));
  std::cout << "cairn-server serving " << dir.string() << " on " << scheme << "://"
            << options.address << ":" << server->port() << std::endl;
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    std::cout << "cairn-server: " << (sig == SIGTERM ? "SIGTERM" : "SIGINT")
              << ": finishing in-flight batches and stopping" << std::endl;
    server->Stop();
  });
  server->Wait();
  waiter.join();
  std::cout << "cairn-server stopped" << std::endl;
  return Status::Ok();
}

}  // namespace

const std::vector<Command>& AllCommands() {
  static const std::vector<Command> commands = [] {
    std::vector<Command> c;
    c.push_back(
        {"serve",
         "serve sync to enrolled devices (HTTPS)",
         {},
         {kDataFlag,
          {"listen", "ADDR:PORT", "where to listen (default 127.0.0.1:8443)"},
          {"cert", "FILE", "TLS certificate (PEM); default: one generated in DIR/tls"},
          {"key", "FILE", "its private key (PEM)"},
          {"url", "URL", "the address devices use, put in tokens (default from --listen)"},
          {"plain-http", "", "serve plain HTTP (loopback only, unless --insecure-http)"},
          {"insecure-http", "", "allow plain HTTP on a non-loopback address"}},
         "Runs until SIGTERM or SIGINT, then lets batches in flight commit and stops.\n"
         "Logs one line per request: device, route, status, bytes in/out, time.\n"
         "Example:\n  cairn-server serve --data /var/lib/cairn-server --listen 0.0.0.0:8443",
         Serve});
    c.push_back({"school create",
                 "create a school",
                 {{"name", "its display name"}},
                 {kDataFlag, {"id", "ID", "its id (default: from the name)"}},
                 "",
                 SchoolCreate});
    c.push_back({"class create",
                 "create a class",
                 {{"name", "its display name, e.g. \"Room 12\""}},
                 {kDataFlag,
                  {"id", "ID", "its id (default: from the name)"},
                  {"school", "ID", "its school (default: the only one)"},
                  {"grade", "TEXT", "grade or year level"}},
                 "",
                 ClassCreate});
    c.push_back({"teacher add",
                 "add a teacher",
                 {{"name", "their display name"}},
                 {kDataFlag,
                  {"id", "ID", "their id (default: from the name)"},
                  {"school", "ID", "their school (default: the only one)"},
                  {"classes", "IDS", "classes they teach, comma-separated"}},
                 "",
                 TeacherAdd});
    c.push_back({"learner add",
                 "add a learner",
                 {{"name", "the name shown on their tile"}},
                 {kDataFlag,
                  {"id", "ID", "their id (default: from the name)"},
                  {"school", "ID", "their school (default: the only one)"},
                  {"given", "NAME", "given name"},
                  {"family", "NAME", "family name"},
                  {"classes", "IDS", "classes to enroll them in, comma-separated"}},
                 "",
                 LearnerAdd});
    c.push_back({"enroll",
                 "enroll learners in a class (or --remove them)",
                 {{"learner", "learner ids", true, true}},
                 {kDataFlag,
                  {"class", "ID", "the class", true},
                  {"remove", "", "end the enrollments instead"}},
                 "",
                 Enroll});
    c.push_back({"roster import",
                 "import learners and enrollments from a CSV file",
                 {{"file", "the CSV file"}},
                 {kDataFlag, {"school", "ID", "their school (default: the only one)"}},
                 // One literal: `details` is a string_view, and a std::string built
                 // here died before --help printed it (garbage bytes in the help).
                 "The first line names the columns:\n"
                 "  learner,display_name,given_name,family_name,class\n"
                 "One line per learner and class (a learner may appear on several lines,\n"
                 "one per class; class may be empty). Every line is checked first; if any\n"
                 "is wrong, each problem is listed with its line number and nothing is\n"
                 "imported.",
                 RosterImport});
    c.push_back({"pack publish",
                 "publish a content pack to every device",
                 {{"file", "the pack file (format: agent/CONTENT.md)"}},
                 {kDataFlag},
                 "The pack is checked first; if anything is wrong, nothing is published.",
                 PackPublish});
    c.push_back({"token create",
                 "create an enrollment token and a join code",
                 {},
                 {kDataFlag,
                  {"role", "ROLE", "student-device or teacher-device", true},
                  {"classes", "IDS", "the classes enrolled devices serve, comma-separated", true},
                  {"expires", "WHEN", "a duration (30d, 12h, 90m) or a date YYYY-MM-DD"},
                  {"url", "URL", "the server address in the token (default: the last serve's)"},
                  {"cert", "FILE", "the certificate devices will see (default: DIR/tls)"}},
                 "Prints one token string (server address, certificate pin and secret) for\n"
                 "device images, and a short join code to type in the client. Any number of\n"
                 "devices may enroll with them until they expire.",
                 TokenCreate});
    c.push_back({"backup",
                 "copy the school's data into a new directory (server may run)",
                 {{"dir", "the new directory (missing or empty)"}},
                 {kDataFlag},
                 "The copy is itself a data directory: both databases (each one consistent\n"
                 "snapshot, taken while the server goes on), the certificate (tls/) and the\n"
                 "files devices uploaded and packs published (blobs/). A server starts on it\n"
                 "as it is. Keep it where the server's disk failing would not take it too.",
                 Backup});
    c.push_back({"devices",
                 "list devices: last sync, what each has not sent yet (server may run)",
                 {},
                 {kDataFlag},
                 "",
                 Devices});
    c.push_back({"model fit",
                 "fit the mastery model on the school's evidence and publish it to devices",
                 {},
                 {kDataFlag},
                 "Fits each competency's parameters (agent/MASTERY.md) on every learner's\n"
                 "evidence and publishes them as mastery_params records, which devices pull.\n"
                 "Run it beside a stopped server (it takes the op log).",
                 ModelFit});
    c.push_back({"device revoke",
                 "revoke a device: its credential is refused from now on",
                 {{"device", "the device id, e.g. d3"}},
                 {kDataFlag},
                 "",
                 DeviceRevoke});
    return c;
  }();
  return commands;
}

}  // namespace cairn::server
