// The clone test (issue #6): a device's store copied to a second CAIRN_HOME on a
// machine with another fingerprint. Both keep working and sync to one server,
// which then holds two distinct devices, every op once, nothing lost.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <csignal>

#include "cairn/agent/store.h"
#include "cairn/sync/client/sync_record.h"
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

TEST_CASE("a cloned store becomes a second device by itself, nothing collides, is lost or "
          "sent twice", "[installers][clone][e2e]") {
  ScratchDir machines;
  std::ofstream(machines / "a") << "4f1c2a9b8e7d6c5b4a3f2e1d0c9b8a7f\n";
  std::ofstream(machines / "b") << "0a1b2c3d4e5f60718293a4b5c6d7e8f9\n";
  ::setenv("CAIRN_PRODUCT_UUID_FILE", "", 1);

  School school;
  const std::string token = school.Token("student-device");
  std::ofstream(machines / "token") << token << "\n";
  ::setenv("CAIRN_ENROLLMENT_TOKEN_FILE", (machines / "token").c_str(), 1);
  school.Start();

  Device laptop{{}, machines / "a"};
  Device clone{{}, machines / "b"};
  laptop.Must({"enroll", token, "--name", "laptop"});
  laptop.Must({"sync", "--once"});
  laptop.Must({"record", "attempt", "Ada", "math.frac.unit.01", "--response", "1/5"});
  laptop.Must({"record", "attempt", "Ada", "math.frac.unit.02", "--response", "8"});
  laptop.Must({"sync", "--once"});
  const Origin original = laptop.Open()->self();

  // The disk is copied to another machine (a cloned image, a restored backup).
  fs::copy(laptop.home.dir() / "data", clone.home.dir() / "data", fs::copy_options::recursive);

  // Both keep working before either syncs again.
  laptop.Must({"record", "attempt", "Ben", "math.frac.unit.01", "--response", "5/1"});
  Run first = clone({"record", "attempt", "Ben", "math.frac.unit.03", "--response", "1/4"});
  INFO(first.out << first.err);
  REQUIRE(first.status == 0);
  CHECK(first.err.find("this store last ran on another machine") != std::string::npos);
  CHECK_FALSE(fs::exists(sync::SyncRecordFile(clone.home.dir() / "data")));  // old credential gone
  clone.Must({"record", "attempt", "Ada", "math.frac.unit.03", "--response", "1/3"});

  // The clone enrolls again with the token by itself; both sync, twice, in turn.
  Run enrolled = clone({"sync", "--once"});
  INFO(enrolled.out << enrolled.err);
  REQUIRE(enrolled.status == 0);
  CHECK(enrolled.out.find("Enrolled this device with") != std::string::npos);
  for (const Device* d : {&laptop, &clone, &laptop, &clone}) d->Must({"sync", "--once"});
  Run quiet = laptop({"sync", "--once"});
  CHECK(quiet.out.find("sent 0 ops, received 0 ops") != std::string::npos);
  school.Stop(SIGTERM);

  auto a = laptop.Open();
  auto b = clone.Open();
  const Origin renewed = b->self();
  CHECK(a->self() == original);  // the original keeps its identity
  CHECK(renewed != original);
  CHECK(laptop.Record().device != clone.Record().device);  // two devices on the server
  CHECK(a->Stats()->own_ops == 3);  // 2 before the copy + 1 after
  CHECK(b->Stats()->own_ops == 2);  // the clone's own, from seq 1
  CHECK(*a->Digest() == *b->Digest());  // the same ops on both

  auto storage = server::OpenSqliteStorage({.dir = school.data()});
  REQUIRE(storage.ok());
  auto stats = (*storage)->LogStats();
  REQUIRE(stats.ok());
  CHECK(*(*storage)->Acked(original) == 3);
  CHECK(*(*storage)->Acked(renewed) == 2);
  // Every device op once: the server's own plus 3 + 2, no duplicate, none lost.
  CHECK(stats->total_ops == stats->own_ops + 5);
}

}  // namespace
}  // namespace cairn::testing
