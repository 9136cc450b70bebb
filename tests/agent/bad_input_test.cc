// Bad input of every kind the issue names: each is a clear error, and nothing
// already stored is lost.
#include <sys/mount.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <set>

#include "agent/store_testing.h"
#include "cairn/agent/sqlite.h"
#include "cairn/agent/store.h"
#include "platform/child_process.h"
#include "platform/scratch_dir.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::AllOps;
using testing::FileOptions;
using testing::MakeOp;
using testing::Must;
using testing::OpenInitialized;
using testing::Problems;
using testing::SameOp;
using testing::ScratchDir;
using testing::TestOrigin;

constexpr int64_t kT = 1'790'000'000'000;

std::string ReadBytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void WriteBytes(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}

// A store holding a small classroom's worth of ops; returns them.
std::vector<Op> MakeStore(const StoreOptions& options, int attempts = 20) {
  std::unique_ptr<Store> store = OpenInitialized(options, TestOrigin(1));
  Must(store->Append("learner", {{"learner", "l-1"}, {"given_name", "Ana"}}));
  Must(store->Append("profile", {{"learner", "l-1"}, {"interests", {"maps"}}}));
  std::vector<Op> remote;
  for (int i = 0; i < attempts; ++i) {
    remote.push_back(MakeOp(TestOrigin(2), static_cast<uint64_t>(i) + 1, MakeHlc(kT + i, 0),
                            "attempt",
                            {{"learner", "l-1"},
                             {"item", "item-" + std::to_string(i)},
                             {"correct", i % 2 == 0},
                             {"response", std::string(50, 'r')}}));
  }
  Must(store->ApplyRemote(remote));
  return AllOps(*store);
}

void RequireAllThere(const Store& store, const std::vector<Op>& expected) {
  std::vector<Op> now = AllOps(store);
  REQUIRE(now.size() == expected.size());
  for (size_t i = 0; i < now.size(); ++i) CHECK(SameOp(now[i], expected[i]));
}

TEST_CASE("a file that is not a database is refused and left as it was", "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  fs::path path = dir / "cairn.db";
  std::string bytes;
  SECTION("random bytes") {
    std::mt19937 rng(7);
    for (int i = 0; i < 16384; ++i) bytes += static_cast<char>(rng());
  }
  SECTION("a short text file") { bytes = "these are my notes, not a database\n"; }
  SECTION("a real store's first page over random bytes") {
    { MakeStore(FileOptions(dir / "real.db", clock)); }
    std::string real = ReadBytes(dir / "real.db");
    std::mt19937 rng(8);
    bytes = real.substr(0, 100);  // a valid SQLite header, then garbage
    while (bytes.size() < real.size()) bytes += static_cast<char>(rng());
  }
  WriteBytes(path, bytes);

  for (int attempt = 0; attempt < 2; ++attempt) {  // the lock is not left behind
    Result<std::unique_ptr<Store>> store = Store::Open(FileOptions(path, clock));
    REQUIRE_FALSE(store.ok());
    INFO(store.status().ToString());
    CHECK(store.status().code() == Status::Code::kCorruption);
    CHECK_THAT(store.status().message(), Catch::Contains(path.string()));
    CHECK_THAT(store.status().message(),
               Catch::Contains("damaged") || Catch::Contains("not a Cairn store"));
  }
  CHECK(ReadBytes(path) == bytes);
}

TEST_CASE("a truncated store is reported and never passed off as healthy", "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  fs::path path = dir / "cairn.db";
  std::vector<Op> ops = MakeStore(FileOptions(path, clock), 400);
  std::string whole = ReadBytes(path);
  REQUIRE(whole.size() > 8 * 4096);
  size_t keep = GENERATE(as<size_t>{}, 4096, 3 * 4096, 0);
  if (keep == 0) keep = whole.size() / 2;
  INFO("kept " << keep << " of " << whole.size() << " bytes");
  WriteBytes(path, whole.substr(0, keep));

  Result<std::unique_ptr<Store>> store = Store::Open(FileOptions(path, clock));
  if (!store.ok()) {
    INFO(store.status().ToString());
    CHECK(store.status().code() == Status::Code::kCorruption);
    CHECK_THAT(store.status().message(), Catch::Contains(path.string()));
    CHECK(ReadBytes(path) == whole.substr(0, keep));
  } else {
    // Opened: then the health check must say what is wrong.
    std::vector<std::string> problems = Problems(**store);
    CHECK_FALSE(problems.empty());
  }
}

TEST_CASE("a page damaged inside a store is found by the health check", "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  fs::path path = dir / "cairn.db";
  MakeStore(FileOptions(path, clock), 400);
  std::string bytes = ReadBytes(path);
  REQUIRE(bytes.size() > 10 * 4096);
  // Scribble over the middle of the file, where the op log's pages are.
  for (size_t i = bytes.size() / 2; i < bytes.size() / 2 + 4096; ++i) bytes[i] = '\x5a';
  WriteBytes(path, bytes);
  Result<std::unique_ptr<Store>> store = Store::Open(FileOptions(path, clock));
  if (!store.ok()) {
    CHECK(store.status().code() == Status::Code::kCorruption);
  } else {
    std::vector<std::string> problems = Problems(**store);
    REQUIRE_FALSE(problems.empty());
    CHECK_THAT(problems[0], Catch::Contains("sqlite"));
  }
}

TEST_CASE("an SQLite database that is not a Cairn store is refused and left alone", "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  fs::path path = dir / "grades.db";
  {
    std::unique_ptr<sql::Database> db = Must(sql::Database::Open(path));
    SECTION("someone's tables") {
      CAIRN_REQUIRE_OK(
          db->Exec("CREATE TABLE grades(student TEXT, grade TEXT);"
                   "INSERT INTO grades VALUES ('Ana', 'A')"));
    }
    SECTION("no tables, but another application's id") {
      CAIRN_REQUIRE_OK(db->Exec("PRAGMA application_id = 1234"));
    }
  }
  std::string bytes = ReadBytes(path);
  Result<std::unique_ptr<Store>> store = Store::Open(FileOptions(path, clock));
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Status::Code::kCorruption);
  CHECK_THAT(store.status().message(), Catch::Contains("not a Cairn store"));
  CHECK_THAT(store.status().message(), Catch::Contains(path.string()));
  CHECK(ReadBytes(path) == bytes);
}

TEST_CASE("a store written by a newer Cairn is refused untouched", "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  fs::path path = dir / "cairn.db";
  StoreOptions options = FileOptions(path, clock);
  std::vector<Op> ops = MakeStore(options);
  auto set_version = [&](int v) {
    std::unique_ptr<sql::Database> db = Must(sql::Database::Open(path));
    sql::Statement* st =
        Must(db->Prepare("UPDATE meta SET value = ?1 WHERE key = 'schema_version'"));
    CAIRN_REQUIRE_OK(st->Bind(1, v).Run());
    REQUIRE(db->Changes() == 1);
  };
  set_version(99);
  SECTION("kept in WAL mode") {}
  SECTION("switched to a rollback journal, as a newer Cairn might") {
    std::unique_ptr<sql::Database> db = Must(sql::Database::Open(path));
    CAIRN_REQUIRE_OK(db->Exec("PRAGMA journal_mode=DELETE"));
  }
  REQUIRE_FALSE(fs::exists(dir / "cairn.db-wal"));
  std::string bytes = ReadBytes(path);

  Result<std::unique_ptr<Store>> store = Store::Open(options);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Status::Code::kNotSupported);
  CHECK_THAT(store.status().message(), Catch::Contains("newer Cairn"));
  CHECK_THAT(store.status().message(), Catch::Contains("99"));
  CHECK(ReadBytes(path) == bytes);

  // Nothing was lost: with the version put back, every op is there.
  set_version(kSchemaVersion);
  std::unique_ptr<Store> back = Must(Store::Open(options));
  RequireAllThere(*back, ops);
  CHECK(Problems(*back).empty());
}

TEST_CASE("a Cairn store that lost its meta table is reported as damaged", "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  fs::path path = dir / "cairn.db";
  MakeStore(FileOptions(path, clock));
  {
    std::unique_ptr<sql::Database> db = Must(sql::Database::Open(path));
    CAIRN_REQUIRE_OK(db->Exec("DROP TABLE meta"));
  }
  std::string bytes = ReadBytes(path);
  Result<std::unique_ptr<Store>> store = Store::Open(FileOptions(path, clock));
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Status::Code::kCorruption);
  CHECK_THAT(store.status().message(), Catch::Contains("damaged"));
  CHECK_THAT(store.status().message(), Catch::Contains(path.string()));
  CHECK(ReadBytes(path) == bytes);
}

TEST_CASE("a batch with one malformed op stores nothing and names the op", "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  StoreOptions options = FileOptions(dir / "cairn.db", clock);
  std::vector<Op> stored = MakeStore(options);
  std::unique_ptr<Store> store = Must(Store::Open(options));
  std::string digest = Must(store->Digest());

  Origin peer = TestOrigin(3);
  std::vector<Op> batch;
  for (uint64_t s = 1; s <= 4; ++s) {
    batch.push_back(MakeOp(peer, s, MakeHlc(kT + 100 + static_cast<int64_t>(s), 0), "attempt",
                           {{"learner", "l-1"}, {"item", "i"}, {"correct", true}}));
  }
  Op& bad = batch[2];
  std::string says;
  SECTION("an unknown kind") {
    bad.kind = "homework";
    says = "unknown kind 'homework'";
  }
  SECTION("an unknown field") {
    bad.body["colour"] = "red";
    says = "'colour'";
  }
  SECTION("a field of the wrong type") {
    bad.body["correct"] = "yes";
    says = "attempt.correct";
  }
  SECTION("a field out of range") {
    bad.body["hints"] = 1000;
    says = "attempt.hints";
  }
  SECTION("a required field missing") {
    bad.body.erase("item");
    says = "attempt.item: required";
  }
  SECTION("a value that is not UTF-8") {
    bad.kind = "activity";
    bad.body = {{"learner", "l-1"},
                {"lesson", "x"},
                {"event",
                 "st\xff"
                 "arted"}};
    says = "activity.event";
  }
  SECTION("the zero origin") {
    bad.origin = Origin{};
    says = "bad origin, seq or hlc";
  }
  SECTION("seq 0") {
    bad.seq = 0;
    says = "bad origin, seq or hlc";
  }
  SECTION("a stamp past 63 bits") {
    bad.hlc = kMaxHlc + 1;
    says = "bad origin, seq or hlc";
  }
  SECTION("a server-owned record from a device") {
    bad.kind = "learner";
    bad.body = {{"learner", "l-9"}, {"given_name", "Mallory"}};
    says = "school server";
  }
  SECTION("a body that is not an object") {
    bad.body = json::array({"l-1"});
    says = "JSON object";
  }
  std::string bad_id = bad.id().ToString();
  Result<ApplyStats> r = store->ApplyRemote(batch);
  REQUIRE_FALSE(r.ok());
  INFO(r.status().ToString());
  CHECK(r.status().code() == Status::Code::kInvalidArgument);
  CHECK_THAT(r.status().message(), Catch::Contains("op " + bad_id));
  CHECK_THAT(r.status().message(), Catch::Contains(says));
  CHECK_THAT(r.status().message(), Catch::Contains("batch rejected"));
  CHECK(Must(store->Digest()) == digest);
  RequireAllThere(*store, stored);

  // The good ops are welcome on their own, and everything survives a restart.
  batch.erase(batch.begin() + 2);
  CHECK(Must(store->ApplyRemote(batch)).applied == 3);
  std::vector<Op> expected = AllOps(*store);
  store.reset();
  std::unique_ptr<Store> reopened = Must(Store::Open(options));
  RequireAllThere(*reopened, expected);
  CHECK(Problems(*reopened).empty());
}

// Mounts a small tmpfs for the life of the object, or says why it could not.
class SmallDisk {
 public:
  SmallDisk(const fs::path& where, const char* size) : path_(where) {
    fs::create_directories(where);
    std::string options = std::string("size=") + size + ",mode=0700";
    if (::mount("tmpfs", where.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      why_not_ = std::string("cannot mount a tmpfs at ") + where.string() + ": " +
                 std::strerror(errno) + " (needs root or CAP_SYS_ADMIN)";
    } else {
      mounted_ = true;
    }
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& why_not() const { return why_not_; }

 private:
  fs::path path_;
  bool mounted_ = false;
  std::string why_not_;
};

TEST_CASE("a full disk is a clear error and every write that succeeded is kept", "[agent]") {
  ScratchDir dir;
  SmallDisk disk(dir / "disk", "1m");
  if (!disk.mounted()) {
    WARN("skipped: " << disk.why_not());
    return;
  }
  FakeClock clock(kT);
  fs::path filler = dir / "disk" / "filler";
  WriteBytes(filler, std::string(64 * 1024, 'f'));  // freed later to make room
  StoreOptions options = FileOptions(dir / "disk" / "cairn.db", clock);
  std::vector<OpId> written;
  Status failure;
  {
    std::unique_ptr<Store> store = OpenInitialized(options, TestOrigin(1));
    std::mt19937 rng(3);
    for (int i = 0; i < 5000 && failure.ok(); ++i) {
      std::string response;
      for (int k = 0; k < 900; ++k) response += static_cast<char>('a' + rng() % 26);
      clock.Advance(1);
      Result<OpId> id = store->Append("attempt", {{"learner", "l-" + std::to_string(i % 7)},
                                                  {"item", "item-" + std::to_string(i)},
                                                  {"correct", true},
                                                  {"response", response}});
      if (id.ok()) {
        written.push_back(*id);
      } else {
        failure = id.status();
      }
    }
    REQUIRE_FALSE(failure.ok());
    INFO(failure.ToString());
    CHECK(failure.code() == Status::Code::kIoError);
    CHECK_THAT(failure.message(), Catch::Contains("disk is full"));
    REQUIRE(written.size() > 10);

    // Still full: still a clear error, no crash, and reads still work.
    Result<OpId> again = store->Append("signin", {{"learner", "l-1"}});
    if (!again.ok()) {
      CHECK(again.status().code() == Status::Code::kIoError);
    } else {
      written.push_back(*again);
    }
    CHECK(AllOps(*store).size() == written.size());

    SECTION("with room made, the same store goes on with no gap") {
      fs::remove(filler);
      OpId next = Must(store->Append(
          "attempt", {{"learner", "new-learner"}, {"item", "new-item"}, {"correct", true}}));
      CHECK(next.seq == written.back().seq + 1);
      written.push_back(next);
      CHECK(Must(store->EvidenceFor("new-learner")).size() == 1);
      std::string digest = Must(store->Digest());
      store.reset();
      std::unique_ptr<Store> reopened = Must(Store::Open(options));
      CHECK(Must(reopened->Digest()) == digest);
      CHECK(AllOps(*reopened).size() == written.size());
      CHECK(Problems(*reopened).empty());
      return;
    }
  }

  auto check_everything_there = [&](const Store& store) {
    std::vector<Op> ops = AllOps(store);
    std::set<OpId> present;
    for (const Op& op : ops) present.insert(op.id());
    CHECK(present.size() == written.size());
    for (const OpId& id : written) CHECK(present.count(id));
    CHECK(Problems(store).empty());
  };

  SECTION("reopened as it is, still full") {
    Result<std::unique_ptr<Store>> store = Store::Open(options);
    if (store.ok()) {
      check_everything_there(**store);
    } else {
      INFO(store.status().ToString());
      CHECK(store.status().code() == Status::Code::kIoError);
      CHECK_THAT(store.status().message(), Catch::Contains("disk is full"));
    }
  }
  SECTION("reopened after making room, it takes writes again with no gap") {
    fs::remove(filler);
    std::unique_ptr<Store> store = Must(Store::Open(options));
    check_everything_there(*store);
    OpId next = Must(store->Append("signin", {{"learner", "l-1"}}));
    CHECK(next.seq == written.back().seq + 1);
    CHECK(Problems(*store).empty());
  }
}

TEST_CASE("a store in a directory that does not exist is an I/O error naming it", "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  SECTION("a missing directory") {
    fs::path path = dir / "no" / "such" / "cairn.db";
    Result<std::unique_ptr<Store>> store = Store::Open(FileOptions(path, clock));
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().code() == Status::Code::kIoError);
    CHECK_THAT(store.status().message(), Catch::Contains((dir / "no" / "such").string()));
  }
  SECTION("a directory where the file should be") {
    fs::create_directories(dir / "cairn.db");
    Result<std::unique_ptr<Store>> store = Store::Open(FileOptions(dir / "cairn.db", clock));
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().code() == Status::Code::kIoError);
    CHECK_THAT(store.status().message(), Catch::Contains((dir / "cairn.db").string()));
  }
}

TEST_CASE("a batch refused halfway leaves no trace in later writes", "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  StoreOptions options = FileOptions(dir / "cairn.db", clock);
  std::unique_ptr<Store> store = OpenInitialized(options, TestOrigin(1));
  Origin peer = TestOrigin(2), other = TestOrigin(3);
  Op first = MakeOp(peer, 1, MakeHlc(kT, 0), "signin", {{"learner", "l-1"}});
  Must(store->ApplyRemote({first}));
  // New ids and a new origin, all learned while applying, then the batch fails
  // on its last op (same id as `first`, other content).
  Op newcomer = MakeOp(other, 1, MakeHlc(kT, 1), "observation",
                       {{"teacher", "t-new"},
                        {"learners", {"l-new", "l-1"}},
                        {"competency", "c-new"},
                        {"level", 2},
                        {"modality", "field"},
                        {"supersedes", OpId{Origin::Random(), 4}.ToString()}});
  Op clash = first;
  clash.body["learner"] = "l-other";
  REQUIRE_FALSE(store->ApplyRemote({newcomer, clash}).ok());
  CHECK(Must(store->EvidenceFor("l-new")).empty());

  // The same names used again get stored and read back correctly, now and
  // after a restart, and the state is what a store that never saw the failure has.
  Must(store->Append("attempt", {{"learner", "l-other"}, {"item", "c-new"}, {"correct", true}}));
  Must(store->ApplyRemote({newcomer}));
  std::string digest = Must(store->Digest());
  std::vector<Op> log = AllOps(*store);
  std::unique_ptr<Store> clean = OpenInitialized(testing::MemoryOptions(clock), TestOrigin(1));
  Must(clean->ApplyRemote(log));
  CHECK(Must(clean->Digest()) == digest);
  CHECK(Must(store->EvidenceFor("l-new")).size() == 1);
  store.reset();
  std::unique_ptr<Store> reopened = Must(Store::Open(options));
  RequireAllThere(*reopened, log);
  CHECK(Must(reopened->Digest()) == digest);
  CHECK(Problems(*reopened).empty());
}

std::string Report(const Result<std::unique_ptr<Store>>& r) {
  if (r.ok()) return "ok";
  return std::to_string(static_cast<int>(r.status().code())) + "|" + r.status().message();
}

TEST_CASE("a second process opening the store is told who holds it", "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  StoreOptions options = FileOptions(dir / "cairn.db", clock);
  std::string busy = std::to_string(static_cast<int>(Status::Code::kBusy)) + "|";

  SECTION("we hold it; another process is refused and our store is unharmed") {
    std::vector<Op> ops = MakeStore(options);
    std::unique_ptr<Store> store = Must(Store::Open(options));
    std::string other = testing::RunInChild([&] { return Report(Store::Open(options)); });
    CHECK_THAT(other, Catch::StartsWith(busy));
    CHECK_THAT(other, Catch::Contains("in use by pid " + std::to_string(::getpid())));
    RequireAllThere(*store, ops);
    CHECK(Must(store->Append("signin", {{"learner", "l-1"}})).seq == 3);
  }
  SECTION("another process holds it until it dies; then we find its writes") {
    testing::HoldingChild holder([&] {
      Result<std::unique_ptr<Store>> s = Store::Open(options);
      if (!s.ok()) return Report(s);
      Store* store = s->release();  // held until the process is killed
      if (!store->Initialize(TestOrigin(5), StoreMode::kStandalone).ok())
        return std::string("init");
      for (int i = 0; i < 3; ++i) {
        if (!store->Append("signin", {{"learner", "l-1"}}).ok()) return std::string("append");
      }
      return std::string("held");
    });
    REQUIRE(holder.report() == "held");
    Result<std::unique_ptr<Store>> refused = Store::Open(options);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == Status::Code::kBusy);
    CHECK_THAT(refused.status().message(),
               Catch::Contains("in use by pid " + std::to_string(holder.pid())));

    holder.Kill();
    std::unique_ptr<Store> store = Must(Store::Open(options));
    CHECK(store->self() == TestOrigin(5));
    CHECK(Must(store->Stats()).own_ops == 3);
    CHECK(Problems(*store).empty());
  }
}

}  // namespace
}  // namespace cairn
