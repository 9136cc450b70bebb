// The clone test (issue #6): a device's store copied to a second CAIRN_HOME on a
// machine with another fingerprint. Both keep working and sync to one server,
// which then holds two distinct devices, every op once, nothing lost.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cairn/agent/store.h"
#include "cairn/platform/fingerprint.h"
#include "cairn/sync/client/sync_record.h"
#include "cairn/sync/enrollment_token.h"
#include "cairn/sync/server/storage.h"
#include "platform/scratch_dir.h"
#include "sync/client/school_testing.h"

namespace cairn::testing {
namespace {

namespace fs = std::filesystem;

// A device is a CAIRN_HOME on a machine (its machine-id file).
struct Device {
  CairnctlHome home;
  fs::path machine_id;

  Run operator()(const std::vector<std::string>& args) const {
    ::setenv("CAIRN_MACHINE_ID_FILE", machine_id.c_str(), 1);
    return home(args);
  }
  void Must(const std::vector<std::string>& args) const {
    Run r = (*this)(args);
    INFO(args[0] << ": " << r.out << r.err);
    REQUIRE(r.status == 0);
  }
  std::unique_ptr<Store> Open() const {
    StoreOptions options;
    options.path = home.store_file();
    auto store = Store::Open(options);
    REQUIRE(store.ok());
    return std::move(store).value();
  }
  sync::SyncRecord Record() const {
    auto r = sync::LoadSyncRecord(sync::SyncRecordFile(home.dir() / "data"));
    REQUIRE(r.ok());
    REQUIRE(r->has_value());
    return **r;
  }
};

// A running school server, IT's token where cairnctl finds it, and two machines
// (a and b) with a device's home on each.
struct TwoMachines {
  TwoMachines() {
    std::ofstream(machines / "a") << "4f1c2a9b8e7d6c5b4a3f2e1d0c9b8a7f\n";
    std::ofstream(machines / "b") << "0a1b2c3d4e5f60718293a4b5c6d7e8f9\n";
    ::setenv("CAIRN_PRODUCT_UUID_FILE", "", 1);
    token = school.Token("student-device");
    std::ofstream(machines / "token") << token << "\n";
    ::setenv("CAIRN_ENROLLMENT_TOKEN_FILE", (machines / "token").c_str(), 1);
    school.Start();
  }

  ScratchDir machines;
  School school;
  std::string token;
  Device laptop{{}, machines / "a"};
  Device other{{}, machines / "b"};
};

TEST_CASE_METHOD(TwoMachines,
                 "a cloned store becomes a second device by itself, nothing collides, is lost or "
                 "sent twice",
                 "[installers][clone][e2e]") {
  laptop.Must({"enroll", token, "--name", "laptop"});
  laptop.Must({"sync", "--once"});
  laptop.Must({"record", "attempt", "Ada", "math.frac.unit.01", "--response", "1/5"});
  laptop.Must({"record", "attempt", "Ada", "math.frac.unit.02", "--response", "8"});
  laptop.Must({"sync", "--once"});
  const Origin original = laptop.Open()->self();

  // The disk is copied to another machine (a cloned image, a restored backup).
  fs::copy(laptop.home.dir() / "data", other.home.dir() / "data", fs::copy_options::recursive);

  // Both keep working before either syncs again.
  laptop.Must({"record", "attempt", "Ben", "math.frac.unit.01", "--response", "5/1"});
  Run first = other({"record", "attempt", "Ben", "math.frac.unit.03", "--response", "1/4"});
  INFO(first.out << first.err);
  REQUIRE(first.status == 0);
  CHECK(first.err.find("this store last ran on another machine") != std::string::npos);
  CHECK_FALSE(fs::exists(sync::SyncRecordFile(other.home.dir() / "data")));  // old credential gone
  other.Must({"record", "attempt", "Ada", "math.frac.unit.03", "--response", "1/3"});

  // The clone enrolls again with the token by itself; both sync, twice, in turn.
  Run enrolled = other({"sync", "--once"});
  INFO(enrolled.out << enrolled.err);
  REQUIRE(enrolled.status == 0);
  CHECK(enrolled.out.find("Enrolled this device with") != std::string::npos);
  for (const Device* d : {&laptop, &other, &laptop, &other}) d->Must({"sync", "--once"});
  Run quiet = laptop({"sync", "--once"});
  CHECK(quiet.out.find("sent 0 ops, received 0 ops") != std::string::npos);
  school.Stop(SIGTERM);

  auto a = laptop.Open();
  auto b = other.Open();
  const Origin renewed = b->self();
  CHECK(a->self() == original);  // the original keeps its identity
  CHECK(renewed != original);
  CHECK(laptop.Record().device != other.Record().device);  // two devices on the server
  CHECK(a->Stats()->own_ops == 3);                         // 2 before the copy + 1 after
  CHECK(b->Stats()->own_ops == 2);                         // the clone's own, from seq 1
  CHECK(*a->Digest() == *b->Digest());                     // the same ops on both

  auto storage = server::OpenSqliteStorage({.dir = school.data()});
  REQUIRE(storage.ok());
  auto stats = (*storage)->LogStats();
  REQUIRE(stats.ok());
  CHECK(*(*storage)->Acked(original) == 3);
  CHECK(*(*storage)->Acked(renewed) == 2);
  // Every device op once: the server's own plus 3 + 2, no duplicate, none lost.
  CHECK(stats->total_ops == stats->own_ops + 5);
}

TEST_CASE_METHOD(
    TwoMachines,
    "a copy the device did not notice is refused by the server and becomes a device of "
    "its own",
    "[installers][clone][e2e]") {
  laptop.Must({"enroll", token, "--name", "laptop"});
  laptop.Must({"sync", "--once"});  // the roster
  laptop.Must({"record", "attempt", "Ada", "math.frac.unit.01", "--response", "1/5"});
  laptop.Must({"record", "attempt", "Ada", "math.frac.unit.02", "--response", "8"});
  laptop.Must({"sync", "--once"});
  const Origin original = laptop.Open()->self();

  // The files are copied with a fingerprint that matches the new machine (as if
  // the agent had always run there): the start-up check sees nothing wrong.
  fs::copy(laptop.home.dir() / "data", other.home.dir() / "data", fs::copy_options::recursive);
  auto machine_b = MachineFingerprint({machines / "b", ""});
  REQUIRE(machine_b.ok());
  REQUIRE(StoreFingerprint(other.home.dir() / "data", *machine_b).ok());
  Run quiet = other({"status"});
  REQUIRE(quiet.status == 0);
  REQUIRE(quiet.err.find("last ran on another machine") == std::string::npos);
  REQUIRE(other.Open()->self() == original);

  // The server binds the credential to the laptop's fingerprint and refuses it
  // from the copy; the copy takes a new id and enrolls again with the token.
  Run caught = other({"sync", "--once"});
  INFO(caught.out << caught.err);
  REQUIRE(caught.status == 0);
  CHECK(caught.err.find("the server knows this device's credential from another machine") !=
        std::string::npos);
  CHECK(caught.out.find("Enrolled this device with") != std::string::npos);
  CHECK(school.WaitForLog("its credential was presented from another machine", 5000));

  other.Must({"record", "attempt", "Ben", "math.frac.unit.03", "--response", "1/4"});
  laptop.Must({"record", "attempt", "Ben", "math.frac.unit.01", "--response", "5/1"});
  for (const Device* d : {&other, &laptop, &other, &laptop}) d->Must({"sync", "--once"});
  school.Stop(SIGTERM);

  auto a = laptop.Open();
  auto b = other.Open();
  const Origin renewed = b->self();
  CHECK(a->self() == original);  // the original keeps its identity and credential
  CHECK(renewed != original);
  CHECK(laptop.Record().device != other.Record().device);
  CHECK(*a->Digest() == *b->Digest());
  auto storage = server::OpenSqliteStorage({.dir = school.data()});
  REQUIRE(storage.ok());
  CHECK(*(*storage)->Acked(original) == 3);  // 2 before the copy + 1 after, each once
  CHECK(*(*storage)->Acked(renewed) == 1);
  auto stats = (*storage)->LogStats();
  REQUIRE(stats.ok());
  CHECK(stats->total_ops == stats->own_ops + 4);  // nothing sent twice, nothing lost
}

TEST_CASE_METHOD(TwoMachines,
                 "doctor checks the school server's certificate against the device's pin",
                 "[installers][doctor][e2e]") {
  laptop.Must({"enroll", token, "--name", "laptop"});

  Run good = laptop({"doctor"});
  INFO(good.out << good.err);
  CHECK_FALSE(LineWith(good.out, "ok       certificate: the server showed the pinned key").empty());

  // The device now trusts another key than the one the server shows (the school
  // replaced its certificate, or something else answers at that address).
  fs::path record = laptop.home.dir() / "data" / "sync.json";
  nlohmann::json j = nlohmann::json::parse(ReadAll(record));
  j["pin"] = sync::Base64Url(std::string(32, 'x'));
  std::ofstream(record) << j.dump();
  Run wrong = laptop({"doctor"});
  INFO(wrong.out << wrong.err);
  CHECK(wrong.status == 1);
  CHECK_FALSE(LineWith(wrong.out, "PROBLEM  certificate: the server at " + school.url() +
                                      " did not show the certificate this device trusts")
                  .empty());
  CHECK_FALSE(LineWith(wrong.out, "fix: if the school replaced its certificate").empty());
  school.Stop(SIGTERM);
}

}  // namespace
}  // namespace cairn::testing
