// A school server that no longer knows a laptop (restored from a backup taken
// before it enrolled), and a freshly installed laptop with only IT's token: real
// cairn-server and cairnctl processes on loopback, as in end_to_end_test.cc.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>

#include "cairn/agent/store.h"
#include "cairn/sync/client/sync_record.h"
#include "cairn/sync/enrollment_token.h"
#include "cairn/sync/server/storage.h"
#include "platform/scratch_dir.h"
#include "sync/client/school_testing.h"

namespace cairn::testing {
namespace {

namespace fs = std::filesystem;

// Everything in the server's data directory but tls/ (the certificate stays, so
// the pin in the laptop's record still matches). The server must be stopped.
void CopyServerData(const fs::path& from, const fs::path& to) {
  for (const fs::directory_entry& e : fs::directory_iterator(from)) {
    if (e.path().filename() == "tls") continue;
    fs::copy(e.path(), to / e.path().filename(), fs::copy_options::recursive);
  }
}
void RemoveServerData(const fs::path& dir) {
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (e.path().filename() != "tls") fs::remove_all(e.path());
  }
}

std::unique_ptr<Store> OpenDevice(const CairnctlHome& home) {
  StoreOptions options;
  options.path = home.store_file();
  auto store = Store::Open(options);
  REQUIRE(store.ok());
  return std::move(store).value();
}

void Must(const CairnctlHome& home, const std::vector<std::string>& args) {
  Run r = home(args);
  INFO(args[0] << ": " << r.out << r.err);
  REQUIRE(r.status == 0);
}

// Every op the laptop recorded is on the server exactly once, and the server
// lists it as an active device.
void RequireAllOnServer(School& school, const CairnctlHome& laptop, uint64_t own_ops) {
  ProcessRun devices = school.Admin({"devices"});
  INFO(devices.out << devices.err);
  CHECK(devices.out.find(" active ") != std::string::npos);
  CHECK(devices.out.find("1 device;") != std::string::npos);
  school.Stop(SIGTERM);
  auto store = OpenDevice(laptop);
  REQUIRE(store->Stats()->own_ops == own_ops);
  auto storage = server::OpenSqliteStorage({.dir = school.data()});
  REQUIRE(storage.ok());
  auto stats = (*storage)->LogStats();
  REQUIRE(stats.ok());
  CHECK(*(*storage)->Acked(store->self()) == own_ops);
  CHECK(stats->total_ops == stats->own_ops + own_ops);  // none twice, none lost
}

// A school whose server is restored from a backup taken before the laptop
// enrolled, after the laptop enrolled and synced work. `token_file` is where
// cairnctl looks for IT's token.
struct RestoredSchool {
  RestoredSchool() {
    ::setenv("CAIRN_ENROLLMENT_TOKEN_FILE", (machine.path() / "enrollment-token").c_str(), 1);
    token = school.Token("student-device");
    CopyServerData(school.data(), backup.path());  // the backup: before the laptop enrolled
    school.Start();
    Must(laptop, {"enroll", token, "--name", "laptop"});
    Must(laptop, {"sync", "--once"});
    Must(laptop, {"record", "attempt", "Ada", "math.frac.unit.01", "--response", "1/5"});
    Must(laptop, {"record", "attempt", "Ben", "math.frac.unit.02", "--response", "8"});
    Must(laptop, {"sync", "--once"});
    device_before =
        sync::LoadSyncRecord(sync::SyncRecordFile(laptop.dir() / "data")).value().value().device;
    school.Stop(SIGTERM);
    RemoveServerData(school.data());
    CopyServerData(backup.path(), school.data());
    school.Start();
    // The laptop keeps working before it syncs again.
    Must(laptop, {"record", "attempt", "Ada", "math.frac.unit.03", "--response", "1/3"});
  }
  void InstallToken() const { std::ofstream(machine.path() / "enrollment-token") << token << "\n"; }

  ScratchDir machine;  // /etc/cairn on the laptop
  ScratchDir backup;
  School school;
  CairnctlHome laptop;
  std::string token;
  std::string device_before;
};

// A running school server and a laptop with none of Cairn's files yet, whose
// /etc/cairn holds IT's token for it.
struct TokenInstalled {
  TokenInstalled() {
    ::setenv("CAIRN_ENROLLMENT_TOKEN_FILE", (machine.path() / "enrollment-token").c_str(), 1);
    token = school.Token("student-device");
    std::ofstream(machine.path() / "enrollment-token") << token << "\n";
    school.Start();
  }
  ScratchDir machine;  // /etc/cairn on the laptop
  School school;
  std::string token;
  CairnctlHome laptop;
};

}  // namespace

TEST_CASE_METHOD(RestoredSchool,
                 "a server restored from an older backup takes the laptop back by itself with "
                 "the token and gets every op once",
                 "[sync][e2e][reenroll]") {
  InstallToken();
  Run synced = laptop({"sync", "--once"});
  INFO(synced.out << synced.err);
  REQUIRE(synced.status == 0);
  CHECK(synced.err.find("no longer knew this device") != std::string::npos);
  CHECK(synced.out.find("sent 3 ops") != std::string::npos);
  Run status = laptop({"status"});
  INFO(status.out);
  CHECK(LineWith(status.out, "waiting").find("0 ops") != std::string::npos);
  CHECK(LineWith(status.out, "sync problem").empty());
  CHECK(LineWith(status.out, "last sync").find("never") == std::string::npos);
  Run again = laptop({"sync", "--once"});
  CHECK(again.status == 0);
  CHECK(again.out.find("sent 0 ops, received 0 ops") != std::string::npos);
  RequireAllOnServer(school, laptop, 3);
}

TEST_CASE_METHOD(RestoredSchool,
                 "without a token the laptop says the server does not know it, keeps its work, "
                 "and cairnctl enroll works",
                 "[sync][e2e][reenroll]") {
  Run refused = laptop({"sync", "--once"});
  INFO(refused.out << refused.err);
  CHECK(refused.status == 1);
  CHECK(refused.err.find("does not know this device") != std::string::npos);
  CHECK(refused.err.find("cairnctl enroll TOKEN") != std::string::npos);
  CHECK(refused.err.find("1 op of this device not yet sent") != std::string::npos);
  Run doctor = laptop({"doctor"});
  INFO(doctor.out);
  CHECK(LineWith(doctor.out, "cairnctl sync` does it").empty());  // the old, false advice
  CHECK(doctor.out.find("run `cairnctl enroll TOKEN`") != std::string::npos);

  Run enrolled = laptop({"enroll", token, "--name", "laptop"});
  INFO(enrolled.out << enrolled.err);
  REQUIRE(enrolled.status == 0);
  CHECK(enrolled.out.find("Enrolled this device again") != std::string::npos);
  // Over a working enrollment it still refuses.
  Run twice = laptop({"enroll", token});
  CHECK(twice.status == 1);
  Run synced = laptop({"sync", "--once"});
  INFO(synced.out << synced.err);
  REQUIRE(synced.status == 0);
  CHECK(synced.out.find("sent 3 ops") != std::string::npos);
  CHECK(laptop({"enroll", token}).err.find("already enrolled") != std::string::npos);
  RequireAllOnServer(school, laptop, 3);
}

TEST_CASE_METHOD(TokenInstalled,
                 "a brand-new server with the same address is refused and nothing changes on "
                 "the laptop",
                 "[sync][e2e][reenroll]") {
  Must(laptop, {"sync", "--once"});
  Must(laptop, {"record", "attempt", "Ada", "math.frac.unit.01", "--response", "1/5"});
  school.Stop(SIGTERM);
  // The data directory re-created (same certificate): a new school server, with
  // IT's new token for it.
  School other;
  auto new_token = sync::ParseToken(other.Token("student-device"));
  REQUIRE(new_token.ok());
  new_token->url = school.url();
  new_token->pin = sync::ParseToken(token)->pin;
  RemoveServerData(school.data());
  CopyServerData(other.data(), school.data());
  std::ofstream(machine.path() / "enrollment-token") << sync::FormatToken(*new_token) << "\n";
  school.Start();
  const fs::path record_file = sync::SyncRecordFile(laptop.dir() / "data");
  const std::string before = ReadAll(record_file);
  Run refused = laptop({"sync", "--once"});
  INFO(refused.out << refused.err);
  CHECK(refused.status == 1);
  CHECK(refused.err.find("is not the school server this device synced with") != std::string::npos);
  auto after = sync::LoadSyncRecord(record_file);
  REQUIRE(after.ok());
  REQUIRE(after->has_value());
  // The credential and cursors are the old ones.
  CHECK(before.find((*after)->credential) != std::string::npos);
  CHECK((*after)->cursor > 0);
}

TEST_CASE_METHOD(TokenInstalled,
                 "a freshly installed laptop with only IT's token sets itself up at its first sync",
                 "[sync][e2e][reenroll]") {
  Run status = laptop({"status"});
  INFO(status.out << status.err);
  CHECK((status.out + status.err).find("the first `cairnctl sync`") != std::string::npos);
  CHECK((status.out + status.err).find("enrollment-token") != std::string::npos);
  CHECK((status.out + status.err).find("cairnctl init") == std::string::npos);
  Run doctor = laptop({"doctor"});
  INFO(doctor.out << doctor.err);
  CHECK(doctor.status == 0);
  CHECK(doctor.out.find("the first `cairnctl sync`") != std::string::npos);
  CHECK((doctor.out + doctor.err).find("cairnctl init") == std::string::npos);

  Run synced = laptop({"sync", "--once"});
  INFO(synced.out << synced.err);
  REQUIRE(synced.status == 0);
  CHECK(synced.out.find("Enrolled this device with") != std::string::npos);
  ProcessRun devices = school.Admin({"devices"});
  INFO(devices.out);
  CHECK(devices.out.find("No devices enrolled yet") == std::string::npos);
  CHECK(devices.out.find("active") != std::string::npos);
  Run learners = laptop({"learner", "list"});
  INFO(learners.out << learners.err);
  CHECK(learners.out.find("Ada") != std::string::npos);
  CHECK(learners.out.find("Ben") != std::string::npos);
  Run after = laptop({"status"});
  CHECK(LineWith(after.out, "mode").find("device") != std::string::npos);
}

TEST_CASE("without a token a device with no store is told to enroll, not only to init",
          "[sync][e2e][reenroll]") {
  ScratchDir machine;
  ::setenv("CAIRN_ENROLLMENT_TOKEN_FILE", (machine.path() / "enrollment-token").c_str(), 1);
  CairnctlHome laptop;
  Run synced = laptop({"sync", "--once"});
  CHECK(synced.status == 1);
  CHECK(synced.err.find("cairnctl enroll TOKEN") != std::string::npos);
  CHECK_FALSE(fs::exists(laptop.store_file()));
}

}  // namespace cairn::testing

namespace cairn::testing {
namespace {

// How many ops of `origin` the laptop's store holds.
size_t OpsOf(const CairnctlHome& home, const Origin& origin) {
  auto store = OpenDevice(home);
  size_t n = 0;
  uint64_t cursor = 0;
  while (true) {
    auto page = store->OpsSince(cursor, 500);
    REQUIRE(page.ok());
    for (const Op& op : page->ops) n += op.origin == origin ? 1 : 0;
    if (!page->more) return n;
    cursor = page->next_cursor;
  }
}

Origin SelfOf(const CairnctlHome& home) { return OpenDevice(home)->self(); }

}  // namespace

TEST_CASE("a laptop that had read past a restored server's log reads it again and misses nothing",
          "[sync][e2e][restore]") {
  ScratchDir backup;
  School school;
  std::string token = school.Token("student-device");
  school.Start();
  CairnctlHome reader, writer, newcomer;
  Must(reader, {"enroll", token, "--name", "reader"});
  Must(writer, {"enroll", token, "--name", "writer"});
  Must(reader, {"sync", "--once"});
  Must(writer, {"sync", "--once"});
  school.Stop(SIGTERM);
  CopyServerData(school.data(), backup.path());  // the backup
  school.Start();
  // After the backup: the writer's work reaches the reader, whose pull position
  // moves past the backup's end.
  for (const char* item : {"math.frac.unit.01", "math.frac.unit.02", "math.frac.unit.03"}) {
    Must(writer, {"record", "attempt", "Ada", item, "--response", "1/5"});
  }
  Must(writer, {"sync", "--once"});
  Must(reader, {"sync", "--once"});
  REQUIRE(OpsOf(reader, SelfOf(writer)) == 3);
  // The server's disk dies; the backup comes back. The writer laptop is off.
  school.Stop(SIGTERM);
  RemoveServerData(school.data());
  CopyServerData(backup.path(), school.data());
  school.Start();
  // A laptop enrolled after the restore writes first: its ops take the log
  // positions the reader had already read past.
  Must(newcomer, {"enroll", token, "--name", "newcomer"});
  Must(newcomer, {"sync", "--once"});  // the class's learners
  for (const char* item :
       {"math.frac.unit.04", "math.frac.unit.05", "math.frac.unit.06", "math.frac.unit.07"}) {
    Must(newcomer, {"record", "attempt", "Ben", item, "--response", "3"});
  }
  Must(newcomer, {"sync", "--once"});
  Run synced = reader({"sync", "--once"});
  INFO(synced.out << synced.err);
  REQUIRE(synced.status == 0);
  CHECK(OpsOf(reader, SelfOf(newcomer)) == 4);
  // The writer comes back: its work, lost with the disk, reaches the server again.
  Must(writer, {"sync", "--once"});
  Must(reader, {"sync", "--once"});
  Must(newcomer, {"sync", "--once"});
  CHECK(OpsOf(reader, SelfOf(writer)) == 3);
  CHECK(OpsOf(newcomer, SelfOf(writer)) == 3);
}

}  // namespace cairn::testing
