// End to end on loopback: a real cairn-server process over HTTPS (its generated
// certificate, pinned through the token) and devices that are real cairnctl
// runs, each with its own store.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "cairn/agent/blob_store.h"
#include "cairn/agent/store.h"
#include "cairn/sync/client/sync_record.h"
#include "cairn/sync/enrollment_token.h"
#include "cairn/sync/server/storage.h"
#include "sync/client/school_testing.h"

namespace cairn::testing {
namespace {

namespace fs = std::filesystem;

// A device's store, opened while no cairnctl runs in its home.
std::unique_ptr<Store> OpenDevice(const CairnctlHome& home) {
  StoreOptions options;
  options.path = home.store_file();
  options.create_if_missing = false;
  auto store = Store::Open(options);
  REQUIRE(store.ok());
  return std::move(store).value();
}

sync::SyncRecord RecordOf(const CairnctlHome& home) {
  auto r = sync::LoadSyncRecord(sync::SyncRecordFile(home.dir() / "data"));
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  return **r;
}

void Enroll(const CairnctlHome& device, const std::string& token, const std::string& name) {
  Run r = device({"enroll", token, "--name", name});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("SHA256:") != std::string::npos);
}

Run SyncOnce(const CairnctlHome& device) { return device({"sync", "--once"}); }

void RequireSynced(const CairnctlHome& device) {
  Run r = SyncOnce(device);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
}

void Must(const CairnctlHome& device, const std::vector<std::string>& args) {
  Run r = device(args);
  INFO(args[0] << " " << args[1] << ": " << r.err);
  REQUIRE(r.status == 0);
}

// Starts the school's server with `laptop` enrolled as a student device and synced.
void StartWithLaptop(School& school, const CairnctlHome& laptop) {
  std::string token = school.Token("student-device");
  school.Start();
  Enroll(laptop, token, "laptop");
  RequireSynced(laptop);
}

struct ServerCounts {
  uint64_t total = 0;
  uint64_t server_own = 0;
  std::map<std::string, uint64_t> acked_by_origin;
};

ServerCounts CountServer(const School& school, const std::vector<Origin>& origins) {
  auto storage = server::OpenSqliteStorage({.dir = school.data()});
  REQUIRE(storage.ok());
  auto stats = (*storage)->LogStats();
  REQUIRE(stats.ok());
  ServerCounts c;
  c.total = stats->total_ops;
  c.server_own = stats->own_ops;
  for (const Origin& o : origins) c.acked_by_origin[o.Hex()] = *(*storage)->Acked(o);
  return c;
}

}  // namespace

TEST_CASE("two student devices and a teacher device that worked offline converge after sync",
          "[sync][e2e]") {
  School school;
  std::string student_token = school.Token("student-device");
  std::string teacher_token = school.Token("teacher-device");
  school.Start();

  CairnctlHome laptop1, laptop2, teacher;
  Enroll(laptop1, student_token, "laptop-1");
  Enroll(laptop2, student_token, "laptop-2");
  Enroll(teacher, teacher_token, "teacher-tablet");
  for (auto* d : {&laptop1, &laptop2, &teacher}) RequireSynced(*d);

  // The roster and the pack arrived: the class's learners, not room 7's.
  Run learners = laptop1({"learner", "list"});
  CHECK(learners.out.find("Ada") != std::string::npos);
  CHECK(learners.out.find("Cy") == std::string::npos);

  // Everyone works offline (no sync in between).
  Must(laptop1, {"record", "attempt", "Ada", "math.frac.unit.01", "--response", "1/5"});
  Must(laptop1, {"record", "attempt", "Ada", "math.frac.unit.02", "--response", "8"});
  Must(laptop1, {"goal", "set", "Ada", "Compare fractions by myself"});
  Must(laptop1, {"profile", "set", "Ada", "--interests", "football"});
  Must(laptop2, {"record", "attempt", "Ben", "math.frac.unit.01", "--response", "5/1"});
  Must(laptop2, {"record", "attempt", "Ben", "math.frac.unit.03", "--response", "1/4"});
  // The same field of Ada's profile, edited on another device: last writer wins.
  Must(laptop2, {"profile", "set", "Ada", "--interests", "drawing,music"});
  Must(teacher, {"record", "observation", "Ada", "Ben", "--teacher", "Ms Rivera", "--competency",
                 "math.frac.equivalent", "--level", "3", "--modality", "small_group", "--note",
                 "Folded strips to show 1/2 = 2/4"});
  Must(teacher, {"profile", "set", "Ben", "--about", "Likes to explain his thinking"});

  // A pending op shows in status before it is sent.
  CHECK(LineWith(laptop1({"status"}).out, "waiting").find("4 ops") != std::string::npos);

  // Sync everyone, twice, in different orders.
  for (auto* d : {&teacher, &laptop2, &laptop1, &laptop1, &teacher, &laptop2}) RequireSynced(*d);

  // Every device shows the same profile for each learner in its scope.
  for (const char* learner : {"Ada", "Ben"}) {
    Run first = laptop1({"profile", learner});
    REQUIRE(first.status == 0);
    CHECK(laptop2({"profile", learner}).out == first.out);
    CHECK(teacher({"profile", learner}).out == first.out);
  }
  Run ada = teacher({"profile", "Ada"});
  CHECK(ada.out.find("Compare fractions by myself") != std::string::npos);
  CHECK(ada.out.find("Folded strips") != std::string::npos);

  // A third round sends and receives nothing.
  for (auto* d : {&laptop1, &laptop2, &teacher}) {
    Run again = SyncOnce(*d);
    REQUIRE(again.status == 0);
    CHECK(again.out.find("sent 0 ops, received 0 ops") != std::string::npos);
  }
  school.Stop(SIGTERM);

  // Same ops everywhere (one class: one scope), and the server holds exactly
  // every device's ops plus its own, each once.
  std::vector<Origin> origins;
  uint64_t device_ops = 0;
  std::set<std::string> digests;
  for (auto* d : {&laptop1, &laptop2, &teacher}) {
    auto store = OpenDevice(*d);
    auto stats = store->Stats();
    REQUIRE(stats.ok());
    origins.push_back(store->self());
    device_ops += stats->own_ops;
    CHECK(RecordOf(*d).acked == stats->own_ops);
    digests.insert(*store->Digest());
  }
  CHECK(digests.size() == 1);
  CHECK(device_ops == 9);
  ServerCounts server = CountServer(school, origins);
  CHECK(server.total == server.server_own + device_ops);
  for (size_t i = 0; i < origins.size(); ++i) {
    auto store = OpenDevice(i == 0 ? laptop1 : i == 1 ? laptop2 : teacher);
    CHECK(server.acked_by_origin[origins[i].Hex()] == store->Stats()->own_ops);
  }
}

TEST_CASE("a teacher's observation photo arrives byte-identical on another teacher device",
          "[sync][e2e][blobs]") {
  School school;
  std::string token = school.Token("teacher-device");
  school.Start();
  CairnctlHome tablet, laptop;
  Enroll(tablet, token, "tablet");
  Enroll(laptop, token, "laptop");
  RequireSynced(tablet);
  std::string photo(2'000'000, '\0');
  for (size_t i = 0; i < photo.size(); ++i) photo[i] = static_cast<char>((i * 2654435761u) >> 13);
  fs::path file = tablet.WriteFile("strips.jpg", photo);
  Must(tablet, {"record", "observation", "Ada", "--teacher", "Ms Rivera", "--competency",
                "math.frac.equivalent", "--level", "3", "--modality", "small_group", "--file",
                file.string()});

  // A metered link: the ops go, the photo waits (exit 3, said why).
  Run metered = tablet({"sync", "--once", "--unknown-network", "metered"});
  INFO(metered.out << metered.err);
  CHECK(metered.status == 3);
  CHECK(metered.err.find("not metered") != std::string::npos);
  CHECK(tablet({"status"}).out.find("0 ops and 1 file to send") != std::string::npos);
  // IT sees it too, beside the running server: the tablet still holds a file.
  ProcessRun devices = school.Admin({"devices"});
  INFO(devices.out << devices.err);
  REQUIRE(devices.status == 0);
  CHECK(LineWith(devices.out, "tablet").find("1 file") != std::string::npos);
  CHECK(LineWith(devices.out, "laptop").find("never") != std::string::npos);  // enrolled only
  CHECK(devices.out.find("1 with work not yet on the server") != std::string::npos);

  RequireSynced(tablet);
  CHECK(tablet({"status"}).out.find("0 ops and 0 files to send") != std::string::npos);
  CHECK(LineWith(school.Admin({"devices"}).out, "tablet").find("none") != std::string::npos);
  RequireSynced(laptop);
  auto store = OpenDevice(laptop);
  auto evidence = store->EvidenceFor(
      (*store->EntitiesWhere("learner", "display_name", "Ada"))[0]["learner"].get<std::string>());
  REQUIRE(evidence.ok());
  std::string sha;
  for (const Evidence& e : *evidence) {
    if (e.op.kind == "artifact") sha = e.op.body["sha256"];
  }
  REQUIRE(!sha.empty());
  store.reset();  // cairnctl takes the store next
  BlobStore blobs(BlobStoreDir(laptop.dir() / "data"));
  CHECK(ReadAll(blobs.PathOf(sha)) == photo);

  // The pack's file came too, exactly as published.
  fs::path exported = laptop.dir() / "pack.json";
  Must(laptop, {"pack", "export", "math-fractions-place-value", exported.string()});
  CHECK(ReadAll(exported) ==
        ReadAll(fs::path(CAIRN_SOURCE_DIR_DEFAULT) / "content/math-fractions-place-value.en.json"));
}

TEST_CASE("a sync cut by a server crash resumes exactly after the restart", "[sync][e2e]") {
  School school;
  CairnctlHome laptop;
  StartWithLaptop(school, laptop);
  // A week of offline work, written straight into the store.
  const uint64_t kOps = 3000;
  {
    auto store = OpenDevice(laptop);
    std::vector<std::pair<std::string, nlohmann::json>> ops;
    for (uint64_t i = 0; i < kOps; ++i) {
      ops.push_back({"attempt",
                     {{"learner", i % 2 ? "ada" : "ben"},
                      {"item", "math.frac.unit.0" + std::to_string(1 + i % 9)},
                      {"response", std::to_string(i)},
                      {"correct", i % 3 == 0},
                      {"duration_ms", 1000 + (i * 7919) % 50000}}});
    }
    REQUIRE(store->AppendAll(ops).ok());
  }
  // Pushed 50 ops a request; the server dies right after the first one is stored.
  pid_t sync = StartCairnctl(laptop, {"sync", "--once", "--batch", "50"});
  REQUIRE(school.WaitForLog("POST /v1/push 200", 10'000));
  school.Stop(SIGKILL);
  int status = WaitForExit(sync);
  CHECK(status == 3);  // unreachable: saved here, goes next time
  uint64_t acked_before = RecordOf(laptop).acked;
  CHECK(acked_before < kOps);

  school.Start();
  Run resumed = SyncOnce(laptop);
  INFO(resumed.out << resumed.err);
  REQUIRE(resumed.status == 0);
  // Exactly what the server had not acknowledged is sent again.
  CHECK(resumed.out.find("sent " + std::to_string(kOps - acked_before) + " op") !=
        std::string::npos);
  Run status_out = laptop({"status"});
  CHECK(LineWith(status_out.out, "waiting").find("0 ops") != std::string::npos);
  school.Stop(SIGTERM);

  auto store = OpenDevice(laptop);
  uint64_t own = store->Stats()->own_ops;
  REQUIRE(own == kOps);
  ServerCounts server = CountServer(school, {store->self()});
  CHECK(server.acked_by_origin[store->self().Hex()] == own);
  CHECK(server.total == server.server_own + own);
}

TEST_CASE("a revoked device is told so and keeps its work", "[sync][e2e]") {
  School school;
  CairnctlHome laptop;
  StartWithLaptop(school, laptop);
  Must(laptop, {"record", "attempt", "Ada", "math.frac.unit.01", "--response", "1/5"});
  school.Stop(SIGTERM);
  REQUIRE(school.Admin({"device", "revoke", RecordOf(laptop).device}).status == 0);
  school.Start();

  Run refused = SyncOnce(laptop);
  CHECK(refused.status == 1);
  CHECK(refused.err.find("revoked by the school") != std::string::npos);
  CHECK(refused.err.find("1 op of this device not yet sent") != std::string::npos);
  Run status = laptop({"status"});
  CHECK(LineWith(status.out, "sync problem").find("revoked") != std::string::npos);
  CHECK(LineWith(status.out, "evidence").find("1 attempt") != std::string::npos);
}

TEST_CASE("enrollment refuses a wrong pin, bad token text and unknown codes, offline waits",
          "[sync][e2e]") {
  School school;
  std::string token = school.Token("student-device");
  school.Start();
  CairnctlHome device;

  SECTION("a token whose pin is not the server's key is refused and nothing is kept") {
    auto parsed = sync::ParseToken(token);
    REQUIRE(parsed.ok());
    parsed->pin = sync::Sha256("some other key");
    Run r = device({"enroll", sync::FormatToken(*parsed)});
    CHECK(r.status == 1);
    CHECK(r.err.find("did not show the certificate this device trusts") != std::string::npos);
    CHECK_FALSE(fs::exists(device.dir() / "data" / "sync.json"));
    CHECK_FALSE(fs::exists(device.store_file()));
    school.Stop(SIGTERM);
    CHECK(school.Admin({"devices"}).out.find("No devices enrolled yet") != std::string::npos);
  }
  SECTION("text that is neither a token nor a join code") {
    Run r = device({"enroll", "cairn1.not-a-token"});
    CHECK(r.status == 2);
    CHECK(r.err.find("not a Cairn enrollment token") != std::string::npos);
    Run junk = device({"enroll", "hello"});
    CHECK(junk.status == 2);
    CHECK(junk.err.find("neither an enrollment token") != std::string::npos);
  }
  SECTION("a join code trusts the server's key on first use, then pins it") {
    Run r = device({"enroll", school.join_code(), "--server", school.url()});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("trusted on first use") != std::string::npos);
    CHECK(RecordOf(device).pin == sync::ParseToken(token)->pin);
    RequireSynced(device);
  }
  SECTION("an unknown join code") {
    Run r = device({"enroll", "ABCD-EFGH", "--server", school.url()});
    CHECK(r.status == 1);
    CHECK(r.err.find("not known to this server") != std::string::npos);
  }
  SECTION("a server that is not there: the work waits, exit status 3") {
    Enroll(device, token, "laptop");
    RequireSynced(device);
    Must(device, {"record", "attempt", "Ada", "math.frac.unit.01", "--response", "1/5"});
    school.Stop(SIGTERM);
    Run r = SyncOnce(device);
    CHECK(r.status == 3);
    CHECK(r.err.find("saved on this device; will sync when the school network is back") !=
          std::string::npos);
    CHECK(LineWith(device({"status"}).out, "waiting").find("1 op") != std::string::npos);
  }
}

}  // namespace cairn::testing
