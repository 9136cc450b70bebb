// The store as one device uses it: identity, writes, reads, health, restarts.
#include "cairn/agent/store.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <set>
#include <tuple>

#include "agent/store_testing.h"
#include "cairn/agent/sqlite.h"
#include "platform/scratch_dir.h"

namespace cairn {
namespace {

using nlohmann::json;
using testing::AllOps;
using testing::FileOptions;
using testing::MakeOp;
using testing::MemoryOptions;
using testing::Must;
using testing::OpenInitialized;
using testing::Problems;
using testing::ScratchDir;
using testing::TestOrigin;

constexpr int64_t kT = 1'790'000'000'000;

// A small standalone classroom.
void RecordClassroom(Store& store) {
  Must(store.Append("school", {{"school", "s-1"}, {"name", "Hillside"}}));
  Must(store.Append("class", {{"class", "c-1"}, {"school", "s-1"}, {"name", "Room 12"}}));
  // Out of key order on purpose: reads come back ordered by key.
  Must(store.Append("learner", {{"learner", "l-2"}, {"school", "s-1"}, {"given_name", "Ben"}}));
  Must(store.Append(
      "learner",
      {{"learner", "l-1"}, {"school", "s-1"}, {"given_name", "Ana"}, {"display_name", "Ana R."}}));
  Must(store.Append("learner", {{"learner", "l-3"}, {"school", "s-2"}, {"archived", true}}));
  Must(store.Append("enrollment", {{"class", "c-1"}, {"learner", "l-1"}, {"active", true}}));
  Must(store.Append("enrollment", {{"class", "c-1"}, {"learner", "l-2"}, {"active", false}}));
  Must(store.Append("lesson", {{"lesson", "le-1"}, {"title", "Halves"}, {"minutes", 30}}));
}

TEST_CASE("a new store records nothing until it is given an identity", "[agent]") {
  FakeClock clock(kT);
  std::unique_ptr<Store> store = Must(Store::Open(MemoryOptions(clock)));
  CHECK_FALSE(store->initialized());
  Result<OpId> early = store->Append("signin", {{"learner", "l-1"}});
  REQUIRE_FALSE(early.ok());
  CHECK(early.status().code() == Status::Code::kFailedPrecondition);
  CHECK_THAT(early.status().message(), Catch::Contains("cairnctl init"));
  CHECK(store->ApplyRemote({}).status().code() == Status::Code::kFailedPrecondition);

  Origin self = TestOrigin(1);
  CAIRN_REQUIRE_OK(store->Initialize(self, StoreMode::kStandalone));
  CHECK(store->initialized());
  CHECK(store->self() == self);
  CHECK(store->mode() == StoreMode::kStandalone);

  SECTION("initializing again with the same identity is harmless") {
    CHECK(store->Initialize(self, StoreMode::kStandalone).ok());
  }
  SECTION("a different identity is refused, naming the one it has") {
    Status s = store->Initialize(TestOrigin(2), StoreMode::kStandalone);
    CHECK(s.code() == Status::Code::kFailedPrecondition);
    CHECK_THAT(s.message(), Catch::Contains(self.Hex()));
  }
  SECTION("an enrolled device needs its server's origin") {
    std::unique_ptr<Store> other = Must(Store::Open(MemoryOptions(clock)));
    CHECK(other->Initialize(TestOrigin(3), StoreMode::kDevice).code() ==
          Status::Code::kInvalidArgument);
  }
}

TEST_CASE("recorded facts read back as records ordered by key", "[agent]") {
  FakeClock clock(kT);
  std::unique_ptr<Store> store = OpenInitialized(MemoryOptions(clock), TestOrigin(1));
  RecordClassroom(*store);

  CHECK(Must(store->Entity("learner", "l-1")) == json({{"learner", "l-1"},
                                                       {"school", "s-1"},
                                                       {"given_name", "Ana"},
                                                       {"display_name", "Ana R."}}));
  CHECK(Must(store->Entity("enrollment", "c-1", "l-2")) ==
        json({{"class", "c-1"}, {"learner", "l-2"}, {"active", false}}));
  CHECK(Must(store->Entity("lesson", "le-1"))->at("minutes") == 30);
  CHECK_FALSE(Must(store->Entity("learner", "nobody")).has_value());
  CHECK(store->Entity("attempt", "l-1").status().code() == Status::Code::kInvalidArgument);

  std::vector<json> learners = Must(store->Entities("learner"));
  REQUIRE(learners.size() == 3);
  CHECK(learners[0]["learner"] == "l-1");
  CHECK(learners[1]["learner"] == "l-2");
  CHECK(learners[2]["learner"] == "l-3");
  CHECK(Must(store->Entities("goal")).empty());

  SECTION("filtered by an id field") {
    std::vector<json> at_s1 = Must(store->EntitiesWhere("learner", "school", "s-1"));
    REQUIRE(at_s1.size() == 2);
    CHECK(at_s1[0]["learner"] == "l-1");
    CHECK(at_s1[1] == learners[1]);
  }
  SECTION("filtered by a key field of a two-key record") {
    std::vector<json> of_l1 = Must(store->EntitiesWhere("enrollment", "learner", "l-1"));
    REQUIRE(of_l1.size() == 1);
    CHECK(of_l1[0]["class"] == "c-1");
    CHECK(Must(store->EntitiesWhere("enrollment", "class", "c-1")).size() == 2);
  }
  SECTION("filtered by a boolean or a whole number") {
    std::vector<json> archived = Must(store->EntitiesWhere("learner", "archived", "true"));
    REQUIRE(archived.size() == 1);
    CHECK(archived[0]["learner"] == "l-3");
    CHECK(Must(store->EntitiesWhere("enrollment", "active", "false")).size() == 1);
    CHECK(Must(store->EntitiesWhere("lesson", "minutes", "30")).size() == 1);
    CHECK(Must(store->EntitiesWhere("lesson", "minutes", "31")).empty());
  }
  SECTION("a field the kind does not have is an error naming it") {
    Result<std::vector<json>> r = store->EntitiesWhere("learner", "shoe_size", "3");
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
    CHECK_THAT(r.status().message(), Catch::Contains("shoe_size"));
  }
}

TEST_CASE("each write is our next op numbered densely from 1", "[agent]") {
  FakeClock clock(kT);
  Origin self = TestOrigin(1);
  std::unique_ptr<Store> store = OpenInitialized(MemoryOptions(clock), self);
  OpId a = Must(store->Append("signin", {{"learner", "l-1"}}));
  CHECK(a.origin == self);
  CHECK(a.seq == 1);

  SECTION("a refused write does not use up a number") {
    Result<OpId> bad = store->Append("signin", {{"learner", "l 1"}});
    CHECK(bad.status().code() == Status::Code::kInvalidArgument);
    Result<OpId> unknown = store->Append("homework", {{"learner", "l-1"}});
    CHECK(unknown.status().code() == Status::Code::kInvalidArgument);
    CHECK_THAT(unknown.status().message(), Catch::Contains("homework"));
    CHECK(Must(store->Append("signin", {{"learner", "l-1"}})).seq == 2);
    CHECK(Problems(*store).empty());
  }
  SECTION("stamps increase even when the wall clock goes back") {
    clock.Advance(-60'000);
    OpId b = Must(store->Append("signin", {{"learner", "l-1"}}));
    std::vector<Op> ops = AllOps(*store);
    REQUIRE(ops.size() == 2);
    CHECK(b.seq == 2);
    CHECK(ops[1].hlc > ops[0].hlc);
    CHECK(store->clock() == ops[1].hlc);
  }
}

TEST_CASE("an edit changes only the fields it names", "[agent]") {
  FakeClock clock(kT);
  std::unique_ptr<Store> store = OpenInitialized(MemoryOptions(clock), TestOrigin(1));
  Must(store->Append("profile", {{"learner", "l-1"}, {"interests", {"maps"}}}));
  clock.Advance(10);
  Must(store->Append("profile", {{"learner", "l-1"}, {"languages", {"es", "en"}}}));
  clock.Advance(10);
  Must(store->Append("profile", {{"learner", "l-1"}, {"interests", {"maps", "drawing"}}}));
  CHECK(
      Must(store->Entity("profile", "l-1")) ==
      json({{"learner", "l-1"}, {"interests", {"maps", "drawing"}}, {"languages", {"es", "en"}}}));

  SECTION("a later edit wins even in the same millisecond") {
    Must(store->Append("goal", {{"goal", "g-1"}, {"learner", "l-1"}, {"text", "read 3 books"}}));
    Must(store->Append("goal", {{"goal", "g-1"}, {"text", "read 4 books"}}));
    json goal = *Must(store->Entity("goal", "g-1"));
    CHECK(goal["text"] == "read 4 books");
    CHECK(goal["learner"] == "l-1");
  }
}

TEST_CASE("a learner's evidence comes in fold order with corrections marked", "[agent]") {
  FakeClock clock(kT);
  std::unique_ptr<Store> store = OpenInitialized(MemoryOptions(clock), TestOrigin(1));
  json attempt = {{"learner", "l-1"}, {"item", "i-1"}, {"correct", false}};
  OpId wrong = Must(store->Append("attempt", attempt));
  clock.Advance(5);
  OpId typo =
      Must(store->Append("attempt", {{"learner", "l-1"}, {"item", "i-2"}, {"correct", true}}));
  clock.Advance(5);
  OpId fixed = Must(store->Append(
      "attempt",
      {{"learner", "l-1"}, {"item", "i-1"}, {"correct", true}, {"supersedes", wrong.ToString()}}));
  clock.Advance(5);
  OpId retract = Must(store->Append("retract", {{"target", typo.ToString()}, {"reason", "typo"}}));
  Must(store->Append("attempt", {{"learner", "l-2"}, {"item", "i-1"}, {"correct", true}}));
  Must(store->Append("profile", {{"learner", "l-1"}, {"about", "not evidence"}}));

  std::vector<Evidence> ev = Must(store->EvidenceFor("l-1"));
  REQUIRE(ev.size() == 3);
  CHECK(ev[0].op.id() == wrong);
  CHECK(ev[0].retracted);  // superseded by the correction
  CHECK(ev[1].op.id() == typo);
  CHECK(ev[1].retracted);  // withdrawn
  CHECK(ev[2].op.id() == fixed);
  CHECK_FALSE(ev[2].retracted);
  CHECK(ev[0].op.body == attempt);
  for (size_t i = 1; i < ev.size(); ++i) CHECK(ev[i - 1].op.hlc < ev[i].op.hlc);
  (void)retract;

  CHECK(Must(store->EvidenceFor("l-2")).size() == 1);
  CHECK_FALSE(Must(store->EvidenceFor("l-2"))[0].retracted);
  CHECK(Must(store->EvidenceFor("nobody")).empty());
}

TEST_CASE("an observation of several learners is evidence for each of them", "[agent]") {
  FakeClock clock(kT);
  std::unique_ptr<Store> store = OpenInitialized(MemoryOptions(clock), TestOrigin(1));
  Must(store->Append("attempt", {{"learner", "l-3"}, {"item", "i-1"}, {"correct", true}}));
  OpId obs = Must(store->Append("observation", {{"teacher", "t-1"},
                                                {"learners", {"l-1", "l-2"}},
                                                {"competency", "c-1"},
                                                {"level", 3},
                                                {"modality", "small_group"},
                                                {"note", "explained halves to the group"}}));
  for (const char* learner : {"l-1", "l-2"}) {
    INFO(learner);
    std::vector<Evidence> ev = Must(store->EvidenceFor(learner));
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].op.id() == obs);
    CHECK(ev[0].op.kind == "observation");
    CHECK(ev[0].op.body.at("learners") == json({"l-1", "l-2"}));
  }
  CHECK(Must(store->EvidenceFor("l-3")).size() == 1);
  CHECK(Must(store->EvidenceFor("t-1")).empty());  // the teacher is not a subject

  Must(store->Append("retract", {{"target", obs.ToString()}}));
  CHECK(Must(store->EvidenceFor("l-1"))[0].retracted);
  CHECK(Must(store->EvidenceFor("l-2"))[0].retracted);
}

TEST_CASE("the op log pages through everything in commit order", "[agent]") {
  FakeClock clock(kT);
  Origin self = TestOrigin(1), other = TestOrigin(2);
  std::unique_ptr<Store> store = OpenInitialized(MemoryOptions(clock), self);
  for (int i = 0; i < 3; ++i)
    Must(store->Append("signin", {{"learner", "l-" + std::to_string(i)}}));
  Must(store->ApplyRemote(
      {testing::MakeOp(other, 1, MakeHlc(kT - 1000, 0), "signin", {{"learner", "far"}}),
       testing::MakeOp(other, 2, MakeHlc(kT - 999, 0), "signin", {{"learner", "far"}})}));

  OpsPage p1 = Must(store->OpsSince(0, 2));
  REQUIRE(p1.ops.size() == 2);
  CHECK(p1.more);
  OpsPage p2 = Must(store->OpsSince(p1.next_cursor, 2));
  REQUIRE(p2.ops.size() == 2);
  CHECK(p2.more);
  CHECK(p2.next_cursor > p1.next_cursor);
  OpsPage p3 = Must(store->OpsSince(p2.next_cursor, 2));
  REQUIRE(p3.ops.size() == 1);
  CHECK_FALSE(p3.more);
  // Commit order, not stamp order: the remote ops (older stamps) came last.
  CHECK(p1.ops[0].id() == OpId{self, 1});
  CHECK(p2.ops[0].id() == OpId{self, 3});
  CHECK(p2.ops[1].id() == OpId{other, 1});
  CHECK(p3.ops[0].id() == OpId{other, 2});

  OpsPage end = Must(store->OpsSince(p3.next_cursor, 2));
  CHECK(end.ops.empty());
  CHECK_FALSE(end.more);
  CHECK(end.next_cursor == p3.next_cursor);

  SECTION("a page that ends exactly at the last op says there is no more") {
    OpsPage all = Must(store->OpsSince(0, 5));
    CHECK(all.ops.size() == 5);
    CHECK_FALSE(all.more);
    CHECK(all.next_cursor == p3.next_cursor);
  }
  SECTION("our own ops for push, by seq") {
    std::vector<Op> own = Must(store->OwnOpsAfter(0, 100));
    REQUIRE(own.size() == 3);
    for (size_t i = 0; i < own.size(); ++i) CHECK(own[i].id() == OpId{self, i + 1});
    std::vector<Op> after1 = Must(store->OwnOpsAfter(1, 1));
    REQUIRE(after1.size() == 1);
    CHECK(after1[0].seq == 2);
    CHECK(Must(store->OwnOpsAfter(3, 100)).empty());
  }
}

TEST_CASE("a learner's export holds everything about them and nothing else", "[agent]") {
  FakeClock clock(kT);
  std::unique_ptr<Store> store = OpenInitialized(MemoryOptions(clock), TestOrigin(1));
  RecordClassroom(*store);
  Must(store->Append("profile", {{"learner", "l-1"}, {"interests", {"maps"}}}));
  Must(store->Append("goal", {{"goal", "g-1"}, {"learner", "l-1"}, {"text", "read 3 books"}}));
  Must(store->Append("goal", {{"goal", "g-2"}, {"learner", "l-2"}, {"text", "not Ana's"}}));
  Must(store->Append("note", {{"note", "n-1"}, {"learner", "l-1"}, {"text", "loves maps"}}));
  OpId a = Must(store->Append("attempt", {{"learner", "l-1"}, {"item", "i-1"}, {"correct", true}}));
  Must(store->Append("attempt", {{"learner", "l-2"}, {"item", "i-1"}, {"correct", true}}));
  Must(store->Append("retract", {{"target", a.ToString()}}));

  json e = Must(store->ExportLearner("l-1"));
  CHECK(e["format"] == "cairn.learner-export");
  CHECK(e["learner"] == *Must(store->Entity("learner", "l-1")));
  CHECK(e["profile"]["interests"] == json({"maps"}));
  REQUIRE(e["enrollments"].size() == 1);
  CHECK(e["enrollments"][0]["class"] == "c-1");
  REQUIRE(e["goals"].size() == 1);
  CHECK(e["goals"][0]["goal"] == "g-1");
  REQUIRE(e["notes"].size() == 1);
  REQUIRE(e["evidence"].size() == 1);
  CHECK(e["evidence"][0]["seq"] == a.seq);
  CHECK(e["evidence"][0]["retracted"] == true);
  CHECK(Must(OpFromJson(e["evidence"][0])).body.at("learner") == "l-1");

  Result<json> missing = store->ExportLearner("nobody");
  CHECK(missing.status().code() == Status::Code::kNotFound);
  CHECK_THAT(missing.status().message(), Catch::Contains("nobody"));
}

TEST_CASE("store statistics count what is there", "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  Origin self = TestOrigin(1);
  std::unique_ptr<Store> store = OpenInitialized(FileOptions(dir / "cairn.db", clock), self);
  RecordClassroom(*store);
  Must(store->ApplyRemote(
      {testing::MakeOp(TestOrigin(2), 1, MakeHlc(kT, 0), "signin", {{"learner", "l-1"}})}));
  StoreStats s = Must(store->Stats());
  CHECK(s.schema_version == kSchemaVersion);
  CHECK(s.mode == StoreMode::kStandalone);
  CHECK(s.self == self);
  CHECK_FALSE(s.authority.has_value());
  CHECK(s.total_ops == 9);
  CHECK(s.own_ops == 8);
  CHECK(s.ops_by_kind["learner"] == 3);
  CHECK(s.ops_by_kind["enrollment"] == 2);
  CHECK(s.ops_by_kind["signin"] == 1);
  CHECK(s.last_cursor == Must(store->OpsSince(0, 100)).next_cursor);
  CHECK(s.hlc == store->clock());
  CHECK(s.file_bytes > 0);
  CHECK(Problems(*store).empty());
}

TEST_CASE("everything recorded is still there after the store is closed and reopened", "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  Origin self = TestOrigin(1), server = TestOrigin(9);
  StoreOptions options = FileOptions(dir / "cairn.db", clock);
  std::vector<Op> before;
  std::string digest;
  Hlc server_time = MakeHlc(kT + 3 * 3'600'000, 0);  // the server is 3 h ahead of us
  {
    std::unique_ptr<Store> store = OpenInitialized(options, self, StoreMode::kDevice, server);
    Must(store->ApplyRemote({testing::MakeOp(server, 1, MakeHlc(kT, 0), "learner",
                                             {{"learner", "l-1"}, {"given_name", "Ana"}})}));
    Must(store->Append("profile", {{"learner", "l-1"}, {"interests", {"maps"}}}));
    Must(store->Append("attempt", {{"learner", "l-1"}, {"item", "i-1"}, {"correct", true}}));
    CAIRN_REQUIRE_OK(store->ObserveServerClock(server_time));
    CHECK(store->clock() == server_time);
    before = AllOps(*store);
    digest = Must(store->Digest());
  }
  clock.Set(kT - 86'400'000);  // and our own clock has since jumped back a day
  std::unique_ptr<Store> store = Must(Store::Open(options));
  CHECK(store->initialized());
  CHECK(store->self() == self);
  CHECK(store->mode() == StoreMode::kDevice);
  CHECK(Must(store->Stats()).authority == server);
  std::vector<Op> after = AllOps(*store);
  REQUIRE(after.size() == before.size());
  for (size_t i = 0; i < after.size(); ++i) CHECK(testing::SameOp(after[i], before[i]));
  CHECK(Must(store->Digest()) == digest);
  CHECK(store->clock() >= server_time);

  OpId next = Must(store->Append("signin", {{"learner", "l-1"}}));
  CHECK(next.seq == 3);
  CHECK(AllOps(*store).back().hlc > server_time);
  CHECK(Problems(*store).empty());
}

TEST_CASE("a renewed origin numbers from 1, keeps the old ops and never stamps behind them",
          "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  Origin old_self = TestOrigin(1), fresh = TestOrigin(2), server = TestOrigin(9);
  StoreOptions options = FileOptions(dir / "cairn.db", clock);
  Hlc last_old = 0;
  {
    std::unique_ptr<Store> store = OpenInitialized(options, old_self, StoreMode::kDevice, server);
    Must(store->Append("attempt", {{"learner", "l-1"}, {"item", "i-1"}, {"correct", true}}));
    Must(store->Append("attempt", {{"learner", "l-1"}, {"item", "i-2"}, {"correct", false}}));
    last_old = AllOps(*store).back().hlc;
    CAIRN_REQUIRE_OK(store->RenewOrigin(fresh));
    CHECK(store->self() == fresh);
    CHECK(Must(store->LastSeq(old_self)) == 2);  // the old device's ops stay its own
  }
  clock.Set(kT - 3'600'000);  // the clock goes back an hour before the next start
  std::unique_ptr<Store> store = Must(Store::Open(options));
  CHECK(store->self() == fresh);
  CHECK(Must(store->LastSeq(old_self)) == 2);
  OpId next = Must(store->Append("signin", {{"learner", "l-1"}}));
  CHECK(next.origin == fresh);
  CHECK(next.seq == 1);
  CHECK(AllOps(*store).back().hlc > last_old);
  CHECK(Problems(*store).empty());
}

TEST_CASE("a missing store is not created when the caller says not to", "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  StoreOptions options = FileOptions(dir / "cairn.db", clock);
  options.create_if_missing = false;
  Result<std::unique_ptr<Store>> store = Store::Open(options);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Status::Code::kNotFound);
  CHECK_THAT(store.status().message(), Catch::Contains("cairnctl init"));
  CHECK_FALSE(std::filesystem::exists(dir / "cairn.db"));
}

TEST_CASE("the health check finds damage done behind the store's back", "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  StoreOptions options = FileOptions(dir / "cairn.db", clock);
  {
    std::unique_ptr<Store> store = OpenInitialized(options, TestOrigin(1));
    RecordClassroom(*store);
    CHECK(Problems(*store).empty());
  }
  {
    std::unique_ptr<sql::Database> db = Must(sql::Database::Open(dir / "cairn.db"));
    SECTION("an op missing from the middle of our log") {
      CAIRN_REQUIRE_OK(db->Exec("DELETE FROM op WHERE seq = 4"));
      db.reset();
      std::unique_ptr<Store> store = Must(Store::Open(options));
      std::vector<std::string> problems = Problems(*store);
      REQUIRE(problems.size() == 1);
      CHECK_THAT(problems[0], Catch::Contains("gaps"));
    }
    SECTION("an op body that no longer decodes") {
      CAIRN_REQUIRE_OK(db->Exec("UPDATE op SET body = x'c1c1c1' WHERE seq = 2"));
      db.reset();
      std::unique_ptr<Store> store = Must(Store::Open(options));
      std::vector<std::string> problems = Problems(*store);
      REQUIRE(problems.size() == 1);
      CHECK_THAT(problems[0], Catch::Contains("does not decode"));
    }
  }
}

TEST_CASE("a damaged evidence body stops the bulk read with an error, not a wrong picture",
          "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  StoreOptions options = FileOptions(dir / "cairn.db", clock);
  {
    std::unique_ptr<Store> store = OpenInitialized(options, TestOrigin(1));
    Must(store->Append("attempt", {{"learner", "l-1"}, {"item", "i-1"}, {"correct", true}}));
    Must(store->Append("attempt", {{"learner", "l-1"}, {"item", "i-2"}, {"correct", false}}));
  }
  std::unique_ptr<sql::Database> db = Must(sql::Database::Open(dir / "cairn.db"));
  // Each shape of damage: cut short, a huge announced length, nesting without end,
  // a wrong type where the answer's correctness goes.
  const char* damage =
      GENERATE("x'9302'", "x'94c0dbffffffff'", "x'91919191919191919191'", "x'95c00102c0a3796573'");
  INFO(damage);
  CAIRN_REQUIRE_OK(db->Exec(std::string("UPDATE op SET body = ") + damage + " WHERE seq = 2"));
  db.reset();
  std::unique_ptr<Store> store = Must(Store::Open(options));
  size_t seen = 0;
  Status s = store->ScanEvidence({}, [&](const EvidenceRow&) { ++seen; });
  CHECK(s.code() == Status::Code::kCorruption);
  CHECK_THAT(s.message(), Catch::Contains("does not decode"));
  CHECK(seen == 0);  // nothing half-read is handed out
}

TEST_CASE("rebuilding the materialized tables from the log changes nothing", "[agent]") {
  FakeClock clock(kT);
  std::unique_ptr<Store> store = OpenInitialized(MemoryOptions(clock), TestOrigin(1));
  RecordClassroom(*store);
  OpId a = Must(store->Append("attempt", {{"learner", "l-1"}, {"item", "i"}, {"correct", true}}));
  Must(store->Append("retract", {{"target", a.ToString()}}));
  Must(store->Append("observation", {{"teacher", "t"},
                                     {"learners", {"l-1", "l-2"}},
                                     {"competency", "c"},
                                     {"level", 2},
                                     {"modality", "field"}}));
  std::string digest = Must(store->Digest());
  CAIRN_REQUIRE_OK(store->Rematerialize());
  CHECK(Must(store->Digest()) == digest);
  CHECK(Must(store->EvidenceFor("l-2")).size() == 1);
  CHECK(Must(store->EvidenceFor("l-1"))[0].retracted);
}

// What EvidenceFor must return, computed from the log by the definition: the
// grow-only ops naming the learner, withdrawn when a retract or a correction
// names them, in (hlc, origin, seq) order.
std::vector<std::pair<OpId, bool>> EvidenceByDefinition(const std::vector<Op>& log,
                                                        const std::string& learner) {
  std::set<OpId> withdrawn;
  for (const Op& op : log) {
    for (const char* f : {"target", "supersedes"}) {
      if (op.body.contains(f))
        withdrawn.insert(Must(OpId::Parse(op.body.at(f).get<std::string>())));
    }
  }
  std::vector<const Op*> mine;
  for (const Op& op : log) {
    if (FindKind(op.kind)->merge != MergeRule::kGrowOnly || op.kind == "retract") continue;
    bool names = op.body.value("learner", "") == learner;
    if (op.body.contains("learners")) {
      for (const auto& l : op.body.at("learners")) names |= l == learner;
    }
    if (names) mine.push_back(&op);
  }
  std::sort(mine.begin(), mine.end(), [](const Op* a, const Op* b) {
    return std::tie(a->hlc, a->origin, a->seq) < std::tie(b->hlc, b->origin, b->seq);
  });
  std::vector<std::pair<OpId, bool>> out;
  for (const Op* op : mine) out.emplace_back(op->id(), withdrawn.count(op->id()) > 0);
  return out;
}

std::vector<std::pair<OpId, bool>> EvidenceAsStored(const Store& store,
                                                    const std::string& learner) {
  std::vector<std::pair<OpId, bool>> out;
  for (const Evidence& e : Must(store.EvidenceFor(learner)))
    out.emplace_back(e.op.id(), e.retracted);
  return out;
}

// One piece of evidence as the model reads it: id, withdrawn, and its fields.
using ReadEvidence = std::string;
std::string Read(const OpId& id, bool retracted, const std::string& fields) {
  return id.ToString().substr(28) + (retracted ? " withdrawn " : " ") + fields;
}

std::string Fields(const Op& op) {
  if (op.kind == "attempt") {
    return "attempt " + op.body.at("item").get<std::string>() +
           (op.body.at("correct").get<bool>() ? " right" : " wrong");
  }
  if (op.kind == "observation") {
    return "observation " + op.body.at("competency").get<std::string>() + " level " +
           std::to_string(op.body.at("level").get<int>()) + " " +
           op.body.at("modality").get<std::string>();
  }
  return "other";
}

std::string Fields(const EvidenceRow& row) {
  switch (row.type) {
    case EvidenceType::kAttempt:
      return "attempt " + std::string(row.item) + (row.correct ? " right" : " wrong");
    case EvidenceType::kObservation:
      return "observation " + std::string(row.competency) + " level " + std::to_string(row.level) +
             " " + std::string(row.modality);
    case EvidenceType::kOther:
      return "other";
  }
  return "?";
}

// Each learner's evidence as EvidenceFor reads it (full ops)...
std::map<std::string, std::vector<ReadEvidence>> EvidenceOneByOne(
    const Store& store, const std::vector<std::string>& learners) {
  std::map<std::string, std::vector<ReadEvidence>> out;
  for (const std::string& l : learners) {
    for (const Evidence& e : Must(store.EvidenceFor(l))) {
      out[l].push_back(Read(e.op.id(), e.retracted, Fields(e.op)));
    }
  }
  return out;
}

// ...and as the bulk scan reads it, for the same learners (all when empty).
std::map<std::string, std::vector<ReadEvidence>> EvidenceScanned(
    const Store& store, const std::vector<std::string>& learners) {
  std::map<std::string, std::vector<ReadEvidence>> out;
  CAIRN_REQUIRE_OK(store.ScanEvidence(learners, [&](const EvidenceRow& row) {
    out[std::string(row.learner)].push_back(Read(row.id, row.retracted, Fields(row)));
  }));
  return out;
}

TEST_CASE("a learner's evidence is complete however recently it was written", "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  StoreOptions options = FileOptions(dir / "cairn.db", clock);
  std::unique_ptr<Store> store = OpenInitialized(options, TestOrigin(1));
  const std::vector<std::string> learners = {"l-0", "l-1", "l-2"};
  std::mt19937 rng(99);
  std::vector<OpId> mine;
  uint64_t remote_seq = 0;
  auto check = [&](const char* when) {
    std::vector<Op> log = AllOps(*store);
    for (const std::string& l : learners) {
      INFO(when << ", " << l << ", after " << log.size() << " ops");
      CHECK(EvidenceAsStored(*store, l) == EvidenceByDefinition(log, l));
    }
    // The bulk read finds the same, through the learner index (a few learners of
    // the store's) and through one pass over the log (all of them).
    INFO(when);
    std::map<std::string, std::vector<ReadEvidence>> expected = EvidenceOneByOne(*store, learners);
    CHECK(EvidenceScanned(*store, {"l-1"})["l-1"] == expected["l-1"]);
    CHECK(EvidenceScanned(*store, {"l-1"}).size() == 1);
    for (const std::vector<std::string>& asked : {learners, std::vector<std::string>{}}) {
      std::map<std::string, std::vector<ReadEvidence>> scanned = EvidenceScanned(*store, asked);
      for (const auto& [l, rows] : scanned) {
        CHECK(std::count(learners.begin(), learners.end(), l) == 1);
      }
      for (const std::string& l : learners) CHECK(scanned[l] == expected[l]);
    }
  };
  // Learners on the roll besides those with evidence: asking for one to three of
  // them goes through the index.
  for (int i = 0; i < 12; ++i) {
    Must(store->Append("learner", {{"learner", "l-" + std::to_string(i)}, {"school", "s"}}));
  }
  for (int i = 0; i < 200; ++i) {
    clock.Advance(static_cast<int64_t>(rng() % 3));
    const std::string& l = learners[rng() % learners.size()];
    switch (rng() % 6) {
      case 0:
        mine.push_back(
            Must(store->Append("observation", {{"teacher", "t"},
                                               {"learners", {l, learners[rng() % 3]}},
                                               {"competency", "c"},
                                               {"level", 1 + static_cast<int>(rng() % 4)},
                                               {"modality", "individual"}})));
        break;
      case 1:
        if (!mine.empty()) {
          Must(store->Append("retract", {{"target", mine[rng() % mine.size()].ToString()}}));
        }
        break;
      case 2: {
        std::vector<Op> batch;
        for (int k = 0; k < 1 + static_cast<int>(rng() % 5); ++k) {
          batch.push_back(MakeOp(TestOrigin(2), ++remote_seq, MakeHlc(kT + i, k), "goal_checkin",
                                 {{"learner", learners[rng() % 3]}, {"goal", "g"}, {"rating", 3}}));
        }
        Must(store->ApplyRemote(batch));
        break;
      }
      default:
        mine.push_back(Must(store->Append(
            "attempt", {{"learner", l}, {"item", "i-" + std::to_string(i)}, {"correct", true}})));
    }
    if (i % 23 == 0) check("while writing");
  }
  check("at the end");
  store.reset();
  store = Must(Store::Open(options));
  check("after reopening");
  CAIRN_REQUIRE_OK(store->Rematerialize());
  check("after rebuilding");
  Must(store->Append("attempt", {{"learner", "l-1"}, {"item", "last"}, {"correct", false}}));
  check("after one more write");
}

TEST_CASE("several ops written together are stored together or not at all", "[agent]") {
  FakeClock clock(kT);
  Origin self = TestOrigin(1);
  std::unique_ptr<Store> store = OpenInitialized(MemoryOptions(clock), self);
  Must(store->Append("signin", {{"learner", "l-1"}}));
  std::vector<OpId> ids =
      Must(store->AppendAll({{"learner", {{"learner", "l-2"}, {"given_name", "Ben"}}},
                             {"profile", {{"learner", "l-2"}, {"interests", {"chess"}}}},
                             {"attempt", {{"learner", "l-2"}, {"item", "i"}, {"correct", true}}}}));
  REQUIRE(ids.size() == 3);
  for (size_t i = 0; i < ids.size(); ++i) CHECK(ids[i] == OpId{self, i + 2});
  std::vector<Op> log = AllOps(*store);
  REQUIRE(log.size() == 4);
  for (size_t i = 1; i < log.size(); ++i) CHECK(log[i].hlc > log[i - 1].hlc);
  CHECK(Must(store->Entity("profile", "l-2"))->at("interests") == json({"chess"}));
  CHECK(Must(store->EvidenceFor("l-2")).size() == 1);

  std::string digest = Must(store->Digest());
  Result<std::vector<OpId>> bad = store->AppendAll(
      {{"signin", {{"learner", "l-3"}}}, {"attempt", {{"learner", "l-3"}, {"correct", "yes"}}}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == Status::Code::kInvalidArgument);
  CHECK_THAT(bad.status().message(), Catch::Contains("op 2"));
  CHECK_THAT(bad.status().message(), Catch::Contains("attempt.correct"));
  CHECK(Must(store->Digest()) == digest);
  CHECK(Must(store->Append("signin", {{"learner", "l-3"}})).seq == 5);

  SECTION("nothing to write writes nothing") {
    CHECK(Must(store->AppendAll({})).empty());
    CHECK(Must(store->Append("signin", {{"learner", "l-3"}})).seq == 6);
  }
  SECTION("an enrolled device cannot slip a server-owned record into a batch") {
    CAIRN_REQUIRE_OK(store->SetAuthority(TestOrigin(100)));
    Result<std::vector<OpId>> r = store->AppendAll(
        {{"signin", {{"learner", "l-3"}}}, {"class", {{"class", "c"}, {"name", "Room 9"}}}});
    CHECK(r.status().code() == Status::Code::kFailedPrecondition);
    CHECK(AllOps(*store).size() == 5);
  }
}

TEST_CASE("a replica that pulls every op of a device shows the same state", "[agent]") {
  FakeClock clock(kT);
  Origin server = TestOrigin(100);
  std::unique_ptr<Store> tablet =
      OpenInitialized(MemoryOptions(clock), TestOrigin(1), StoreMode::kDevice, server);
  std::unique_ptr<Store> school = OpenInitialized(MemoryOptions(clock), server, StoreMode::kServer);
  Must(school->Append("learner", {{"learner", "l-1"}, {"given_name", "Ana"}}));
  Must(tablet->ApplyRemote(Must(school->OpsSince(0, 100)).ops));
  Must(tablet->Append("profile", {{"learner", "l-1"}, {"interests", {"maps"}}}));
  OpId a = Must(tablet->Append("attempt", {{"learner", "l-1"}, {"item", "i"}, {"correct", false}}));
  Must(tablet->Append(
      "attempt",
      {{"learner", "l-1"}, {"item", "i"}, {"correct", true}, {"supersedes", a.ToString()}}));
  Must(school->ApplyRemote(Must(tablet->OwnOpsAfter(0, 100))));
  CHECK(Must(school->Digest()) == Must(tablet->Digest()));
  CHECK(Must(school->ExportLearner("l-1")) == Must(tablet->ExportLearner("l-1")));
  // The school server's own records are its to write.
  Result<ApplyStats> forged = school->ApplyRemote({MakeOp(
      TestOrigin(1), 9, MakeHlc(kT, 0), "learner", {{"learner", "l-9"}, {"given_name", "X"}})});
  CHECK(forged.status().code() == Status::Code::kInvalidArgument);
}

TEST_CASE("a read-only view beside the writer reads what the writer commits after it opened",
          "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  const std::filesystem::path file = dir.path() / "ops.db";
  std::unique_ptr<Store> writer =
      OpenInitialized(FileOptions(file, clock), TestOrigin(100), StoreMode::kServer);
  Must(writer->Append("learner", {{"learner", "l-1"}, {"given_name", "Ana"}}));
  StoreOptions read_only = FileOptions(file, clock);
  read_only.read_only = true;
  // Opened while the writer holds the store (a second writer would get kBusy).
  std::unique_ptr<Store> view = Must(Store::Open(read_only));
  CHECK(view->mode() == StoreMode::kServer);

  // A learner and a device's origin the view has never heard of, interned after it opened.
  Origin tablet = TestOrigin(7);
  Must(writer->Append("learner", {{"learner", "l-2"}, {"given_name", "Ben"}}));
  Must(writer->ApplyRemote({MakeOp(tablet, 1, MakeHlc(kT, 1), "attempt",
                                   {{"learner", "l-2"}, {"item", "i"}, {"correct", true}})}));
  CAIRN_REQUIRE_OK(view->BeginRead());
  OpsPage page = Must(view->OpsConcerning({"l-2"}, 0, 100));
  view->EndRead();
  REQUIRE(page.ops.size() == 3);  // both learner records (shared) and Ben's attempt
  CHECK(page.ops[1].body.at("learner") == "l-2");
  CHECK(page.ops[2].origin == tablet);
  CHECK(page.ops[2].body.at("learner") == "l-2");

  SECTION("a snapshot does not see what commits while it is open") {
    CAIRN_REQUIRE_OK(view->BeginRead());
    const size_t before = Must(view->OpsSince(0, 100)).ops.size();
    Must(writer->Append("learner", {{"learner", "l-3"}, {"given_name", "Cy"}}));
    CHECK(Must(view->OpsSince(0, 100)).ops.size() == before);
    view->EndRead();
    CAIRN_REQUIRE_OK(view->BeginRead());
    CHECK(Must(view->OpsSince(0, 100)).ops.size() == before + 1);
    view->EndRead();
  }
  SECTION("it writes nothing") {
    Result<OpId> wrote = view->Append("learner", {{"learner", "l-4"}, {"given_name", "Di"}});
    CHECK_FALSE(wrote.ok());
    CHECK(Must(writer->OpsSince(0, 100)).ops.size() == 3);
  }
  SECTION("a missing file is not created") {
    StoreOptions missing = FileOptions(dir.path() / "none.db", clock);
    missing.read_only = true;
    CHECK(Store::Open(missing).status().code() == Status::Code::kNotFound);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "none.db"));
  }
}

}  // namespace
}  // namespace cairn
