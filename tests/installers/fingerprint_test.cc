#include "cairn/platform/fingerprint.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <string>

#include "platform/fake_env.h"
#include "platform/scratch_dir.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;

struct FakeMachine {
  testing::ScratchDir dir;
  FingerprintSources Sources(const std::string& machine_id, const std::string& uuid = "") {
    std::ofstream(dir / "machine-id") << machine_id;
    std::ofstream(dir / "product_uuid") << uuid;
    return {dir / "machine-id", dir / "product_uuid"};
  }
};

TEST_CASE("a machine's fingerprint is a keyed hash of its machine id and hardware",
          "[platform][fingerprint]") {
  FakeMachine m;
  const std::string id = "4f1c2a9b8e7d6c5b4a3f2e1d0c9b8a7f";
  Result<std::string> fp = MachineFingerprint(m.Sources(id + "\n"));
  REQUIRE(fp.ok());
  CHECK(fp->size() == 64);
  CHECK(fp->find(id) == std::string::npos);  // the raw id is not in it

  SECTION("the same machine gives the same fingerprint, whatever the case of the id") {
    Result<std::string> again = MachineFingerprint(m.Sources("4F1C2A9B8E7D6C5B4A3F2E1D0C9B8A7F"));
    REQUIRE(again.ok());
    CHECK(*again == *fp);
  }
  SECTION("a cloned disk on another machine (new machine id) gives another fingerprint") {
    Result<std::string> clone = MachineFingerprint(m.Sources("0a1b2c3d4e5f60718293a4b5c6d7e8f9"));
    REQUIRE(clone.ok());
    CHECK(*clone != *fp);
  }
  SECTION("the same machine id on other hardware gives another fingerprint") {
    Result<std::string> other = MachineFingerprint(m.Sources(id, "2b3c-other-board"));
    REQUIRE(other.ok());
    CHECK(*other != *fp);
  }
}

TEST_CASE("without a machine id there is no fingerprint, and the error says what to run",
          "[platform][fingerprint]") {
  FakeMachine m;
  for (std::string bad : {"", "not-an-id", "00000000000000000000000000000000"}) {
    Result<std::string> fp = MachineFingerprint(m.Sources(bad));
    REQUIRE_FALSE(fp.ok());
    CHECK(fp.status().code() == Status::Code::kFailedPrecondition);
    CHECK(fp.status().message().find("systemd-machine-id-setup") != std::string::npos);
  }
  Result<std::string> missing = MachineFingerprint({m.dir / "nowhere", m.dir / "nowhere"});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("is missing or empty") != std::string::npos);
}

TEST_CASE("the stored fingerprint lives beside the store", "[platform][fingerprint]") {
  testing::ScratchDir data;
  CHECK(ReadStoredFingerprint(data.path()).status().code() == Status::Code::kNotFound);
  REQUIRE(StoreFingerprint(data.path(), std::string(64, 'a')).ok());
  Result<std::string> stored = ReadStoredFingerprint(data.path());
  REQUIRE(stored.ok());
  CHECK(*stored == std::string(64, 'a'));
}

TEST_CASE("CAIRN_MACHINE_ID_FILE and CAIRN_PRODUCT_UUID_FILE replace the real files",
          "[platform][fingerprint]") {
  FingerprintSources s = DefaultFingerprintSources(
      testing::FakeEnv({{"CAIRN_MACHINE_ID_FILE", "/tmp/id"}, {"CAIRN_PRODUCT_UUID_FILE", ""}}));
  CHECK(s.machine_id_file == fs::path("/tmp/id"));
  CHECK(s.product_uuid_file.empty());
  FingerprintSources real = DefaultFingerprintSources(testing::FakeEnv({}));
  CHECK(real.machine_id_file == fs::path("/etc/machine-id"));
}

}  // namespace
}  // namespace cairn

namespace cairn {
namespace {

TEST_CASE("a start compares the stored fingerprint with the machine's",
          "[platform][fingerprint]") {
  FakeMachine m;
  testing::ScratchDir data;
  FingerprintSources here = m.Sources("4f1c2a9b8e7d6c5b4a3f2e1d0c9b8a7f");

  Result<MachineCheckResult> first = CheckMachine(data.path(), here);
  REQUIRE(first.ok());
  CHECK(first->check == MachineCheck::kAdopted);  // nothing stored: keep the identity
  CHECK(*ReadStoredFingerprint(data.path()) == first->current);

  Result<MachineCheckResult> again = CheckMachine(data.path(), here);
  REQUIRE(again.ok());
  CHECK(again->check == MachineCheck::kSame);

  SECTION("the store copied to another machine sees a change, and nothing is stored yet") {
    testing::ScratchDir other_dir;
    std::ofstream(other_dir / "machine-id") << "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    Result<MachineCheckResult> clone = CheckMachine(data.path(), {other_dir / "machine-id", {}});
    REQUIRE(clone.ok());
    CHECK(clone->check == MachineCheck::kChanged);
    CHECK(clone->stored == first->current);
    CHECK(*ReadStoredFingerprint(data.path()) == first->current);
  }
  SECTION("a prepared image is a change even on the machine that prepared it") {
    REQUIRE(StoreFingerprint(data.path(), std::string(kPreparedImageFingerprint)).ok());
    Result<MachineCheckResult> prepared = CheckMachine(data.path(), here);
    REQUIRE(prepared.ok());
    CHECK(prepared->check == MachineCheck::kChanged);
  }
}

}  // namespace
}  // namespace cairn
