#include "cairn/platform/lock_file.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "platform/child_process.h"
#include "platform/scratch_dir.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;
using testing::HoldingChild;
using testing::RunInChild;
using testing::ScratchDir;

// What a second process gets when it tries to take the lock: "ok", or
// "<code>|<message>".
std::string TryLockInChild(const fs::path& path) {
  return RunInChild([&] {
    Result<LockFile> lock = LockFile::Acquire(path);
    if (lock.ok()) return std::string("ok");
    return std::to_string(static_cast<int>(lock.status().code())) + "|" + lock.status().message();
  });
}

std::string BusyReport(const std::string& message) {
  return std::to_string(static_cast<int>(Status::Code::kBusy)) + "|" + message;
}

TEST_CASE("a second process taking the lock is told which pid holds it", "[platform]") {
  ScratchDir dir;
  fs::path path = dir / "store.db.lock";
  Result<LockFile> held = LockFile::Acquire(path);
  REQUIRE(held.ok());

  std::string report = TryLockInChild(path);
  INFO(report);
  CHECK_THAT(report, Catch::StartsWith(BusyReport("")));
  CHECK_THAT(report, Catch::Contains("in use by pid " + std::to_string(::getpid()) + " "));
  CHECK_THAT(report, Catch::Contains(path.string()));
}

TEST_CASE("a second lock on the same file in one process is refused too", "[platform]") {
  ScratchDir dir;
  fs::path path = dir / "x.lock";
  Result<LockFile> first = LockFile::Acquire(path);
  REQUIRE(first.ok());
  Result<LockFile> second = LockFile::Acquire(path);
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == Status::Code::kBusy);
  CHECK_THAT(second.status().message(),
             Catch::Contains("in use by pid " + std::to_string(::getpid())));
}

TEST_CASE("the lock file names its holder's pid", "[platform]") {
  ScratchDir dir;
  fs::path path = dir / "x.lock";
  std::ofstream(path) << "99999999\nstale text from an older holder\n";
  Result<LockFile> held = LockFile::Acquire(path);
  REQUIRE(held.ok());
  CHECK(held->path() == path);
  std::ifstream in(path);
  std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(contents == std::to_string(::getpid()) + "\n");
}

TEST_CASE("the lock is free again once its holder lets go", "[platform]") {
  ScratchDir dir;
  fs::path path = dir / "x.lock";

  SECTION("by destroying the LockFile") {
    {
      Result<LockFile> held = LockFile::Acquire(path);
      REQUIRE(held.ok());
    }
    CHECK(TryLockInChild(path) == "ok");
    CHECK(fs::exists(path));  // the file stays; only the lock goes
  }
  SECTION("a moved LockFile keeps the lock until the new owner is destroyed") {
    Result<LockFile> held = LockFile::Acquire(path);
    REQUIRE(held.ok());
    {
      LockFile moved(std::move(held).value());
      CHECK(moved.path() == path);
      CHECK_THAT(TryLockInChild(path), Catch::StartsWith(BusyReport("")));
    }
    CHECK(TryLockInChild(path) == "ok");
  }
  SECTION("move assignment releases the lock the target held") {
    fs::path other = dir / "other.lock";
    Result<LockFile> a = LockFile::Acquire(path);
    Result<LockFile> b = LockFile::Acquire(other);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    *a = std::move(*b);
    CHECK(a->path() == other);
    CHECK(TryLockInChild(path) == "ok");
    CHECK_THAT(TryLockInChild(other), Catch::StartsWith(BusyReport("")));
  }
}

TEST_CASE("a lock held by a process that is killed is released", "[platform]") {
  ScratchDir dir;
  fs::path path = dir / "x.lock";
  HoldingChild holder([&] {
    Result<LockFile> lock = LockFile::Acquire(path);
    if (!lock.ok()) return lock.status().ToString();
    new LockFile(std::move(lock).value());  // held until the process dies
    return std::string("held");
  });
  REQUIRE(holder.report() == "held");

  Result<LockFile> refused = LockFile::Acquire(path);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Status::Code::kBusy);
  CHECK_THAT(refused.status().message(),
             Catch::Contains("in use by pid " + std::to_string(holder.pid())));

  holder.Kill();
  Result<LockFile> taken = LockFile::Acquire(path);
  INFO(taken.status().ToString());
  CHECK(taken.ok());
}

TEST_CASE("a lock file that cannot be created is an I/O error naming it", "[platform]") {
  ScratchDir dir;
  fs::path path = dir / "missing-dir" / "x.lock";
  Result<LockFile> lock = LockFile::Acquire(path);
  REQUIRE_FALSE(lock.ok());
  CHECK(lock.status().code() == Status::Code::kIoError);
  CHECK_THAT(lock.status().message(), Catch::Contains(path.string()));
}

}  // namespace
}  // namespace cairn
