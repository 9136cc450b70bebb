// Group commit: several push batches in one transaction, each still all or nothing.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "cairn/sync/server/storage.h"
#include "cairn/sync/wire.h"
#include "server_testing.h"

namespace cairn::testing {
namespace {

using nlohmann::json;
using server::DeviceRole;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "cairn-group-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::unique_ptr<server::ServerStorage> OpenWithRoster(const std::filesystem::path& dir) {
  auto storage = server::OpenSqliteStorage({.dir = dir, .synchronous_full = false});
  REQUIRE(storage.ok());
  std::vector<std::pair<std::string, json>> roster = {
      {"school", {{"school", "s1"}, {"name", "S"}}}, {"class", {{"class", "A"}, {"name", "A"}}}};
  REQUIRE((*storage)->AppendServerOps(roster).ok());
  return std::move(storage).value();
}

// `n` attempts of a fresh learner id each (so each batch interns new names).
std::vector<Op> Attempts(const TestDevice& d, uint64_t first, int n, const std::string& tag) {
  std::vector<Op> ops;
  for (int i = 0; i < n; ++i) {
    ops.push_back(d.MakeOp("attempt",
                           {{"learner", tag + "-learner-" + std::to_string(i)},
                            {"item", tag + "-item"},
                            {"correct", true}},
                           first + static_cast<uint64_t>(i)));
  }
  return ops;
}

}  // namespace

TEST_CASE("in one write group a refused batch is undone alone and the others are stored",
          "[sync][server]") {
  TempDir dir;
  auto storage = OpenWithRoster(dir.path());
  TestDevice a, b, c;
  REQUIRE(storage->BeginGroup().ok());
  auto first = storage->ApplyPush(a.origin, Attempts(a, 1, 5, "a"));
  // A gap: its new names were interned inside its savepoint, then rolled back.
  auto gap = storage->ApplyPush(b.origin, Attempts(b, 3, 5, "b"));
  auto third = storage->ApplyPush(c.origin, Attempts(c, 1, 4, "c"));
  // Two installs sharing an origin: op a:1 again with other content.
  auto conflict = storage->ApplyPush(a.origin, {a.MakeOp("signin", {{"learner", "x"}}, 1)});
  REQUIRE(storage->CommitGroup().ok());

  REQUIRE(first.ok());
  CHECK(first->acked == 5);
  REQUIRE_FALSE(gap.ok());
  CHECK(gap.status().code() == Status::Code::kFailedPrecondition);
  REQUIRE(third.ok());
  CHECK(third->acked == 4);
  REQUIRE_FALSE(conflict.ok());
  CHECK(*storage->Acked(a.origin) == 5);
  CHECK(*storage->Acked(b.origin) == 0);
  CHECK(*storage->Acked(c.origin) == 4);

  // The same ops applied one batch at a time, in another store, give the same state.
  TempDir other;
  auto reference = OpenWithRoster(other.path());
  REQUIRE(reference->ApplyPush(a.origin, Attempts(a, 1, 5, "a")).ok());
  REQUIRE(reference->ApplyPush(c.origin, Attempts(c, 1, 4, "c")).ok());
  CHECK(storage->LogStats()->total_ops == reference->LogStats()->total_ops);
  // The refused batch's names are not left half-known: b's batch goes in whole later.
  auto again = storage->ApplyPush(b.origin, Attempts(b, 1, 7, "b"));
  REQUIRE(again.ok());
  CHECK(again->acked == 7);
}

TEST_CASE("an aborted write group stores nothing and the storage keeps working",
          "[sync][server]") {
  TempDir dir;
  auto storage = OpenWithRoster(dir.path());
  TestDevice a;
  uint64_t before = storage->LogStats()->total_ops;
  Hlc clock_before = storage->Clock();
  REQUIRE(storage->BeginGroup().ok());
  REQUIRE(storage->ApplyPush(a.origin, Attempts(a, 1, 5, "a")).ok());
  CHECK(*storage->Acked(a.origin) == 5);  // visible inside the group
  storage->AbortGroup();
  CHECK(*storage->Acked(a.origin) == 0);
  CHECK(storage->LogStats()->total_ops == before);
  CHECK(storage->Clock() >= clock_before);  // the clock never goes back
  // Nothing was durable: reopening shows the same.
  storage.reset();
  auto reopened = server::OpenSqliteStorage({.dir = dir.path(), .synchronous_full = false});
  REQUIRE(reopened.ok());
  CHECK(*(*reopened)->Acked(a.origin) == 0);
  auto after = (*reopened)->ApplyPush(a.origin, Attempts(a, 1, 5, "a"));
  REQUIRE(after.ok());
  CHECK(after->acked == 5);
}

TEST_CASE("many devices pushing at once are all acknowledged and stored exactly once",
          "[sync][server]") {
  ServerFixture f;
  constexpr int kDevices = 8;
  constexpr int kBatches = 5;
  constexpr int kOps = 40;
  std::vector<TestDevice> devices;
  for (int i = 0; i < kDevices; ++i) devices.push_back(f.Enroll(DeviceRole::kStudentDevice, {"A"}));
  uint64_t before = f.OpCount();
  std::vector<std::string> errors(kDevices);
  std::vector<std::thread> threads;
  for (int i = 0; i < kDevices; ++i) {
    threads.emplace_back([&, i] {
      TestDevice& d = devices[static_cast<size_t>(i)];
      for (int b = 0; b < kBatches; ++b) {
        std::vector<Op> ops;
        for (int k = 0; k < kOps; ++k) {
          ops.push_back(d.MakeOp("attempt", {{"learner", k % 2 ? "a1" : "a2"}, {"item", "i1"},
                                             {"correct", k % 3 == 0}},
                                 d.next_seq++));
        }
        HttpReply r = f.Push(d, ops);
        if (r.status != 200 || r.Json().value("acked", uint64_t{0}) != d.next_seq - 1) {
          errors[static_cast<size_t>(i)] = std::to_string(r.status) + " " + r.body;
          return;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& e : errors) CHECK(e.empty());
  CHECK(f.OpCount() == before + kDevices * kBatches * kOps);
}

}  // namespace cairn::testing
