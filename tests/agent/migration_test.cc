// Schema migrations: every step from an empty store, and the previous schema's
// real file (tests/data/store-v1.sqlite, written by make_v1_fixture with the
// code of that schema) opened by this build.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>

#include "agent/store_testing.h"
#include "cairn/agent/sqlite.h"
#include "cairn/agent/store.h"
#include "platform/scratch_dir.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::AllOps;
using testing::FileOptions;
using testing::MemoryOptions;
using testing::Must;
using testing::OpenInitialized;
using testing::Problems;
using testing::SameOp;
using testing::ScratchDir;
using testing::TestOrigin;

constexpr int64_t kT = 1'790'000'000'000;

fs::path SourceDir() {
  const char* dir = std::getenv("CAIRN_SOURCE_DIR");
  return dir ? fs::path(dir) : fs::path(CAIRN_TEST_SOURCE_DIR);
}

// What the schema of a store file looks like, read with plain SQLite.
struct FileFacts {
  std::set<std::string> objects;  // tables, indexes and views
  int64_t application_id = 0;
  int64_t schema_version = 0;
  int64_t op_rows = 0;
};

FileFacts ReadFacts(const fs::path& path) {
  FileFacts f;
  std::unique_ptr<sql::Database> db = Must(sql::Database::Open(path));
  sql::Statement* st = Must(db->Prepare("SELECT name FROM sqlite_master"));
  while (Must(st->Step())) f.objects.insert(std::string(st->ColumnText(0)));
  st = Must(db->Prepare("PRAGMA application_id"));
  REQUIRE(Must(st->Step()));
  f.application_id = st->ColumnInt(0);
  st->Reset();
  st = Must(db->Prepare("SELECT value FROM meta WHERE key = 'schema_version'"));
  REQUIRE(Must(st->Step()));
  f.schema_version = st->ColumnInt(0);
  st->Reset();
  st = Must(db->Prepare("SELECT count(*) FROM op"));
  REQUIRE(Must(st->Step()));
  f.op_rows = st->ColumnInt(0);
  st->Reset();
  return f;
}

StoreOptions AtVersion(StoreOptions options, int version) {
  options.target_schema_version = version;
  return options;
}

// The state last-writer-wins must produce for one entity, folded from the log by
// the rule itself: per field, the write with the highest (hlc, origin).
std::optional<json> FoldEntity(const std::vector<Op>& ops, const KindSpec& kind,
                               const std::string& key) {
  std::map<std::string, std::tuple<Hlc, Origin, json>> fields;
  for (const Op& op : ops) {
    if (op.kind != kind.name || op.body.at(std::string(kind.fields[0].name)) != key) continue;
    for (const auto& [name, value] : op.body.items()) {
      auto it = fields.find(name);
      if (it == fields.end() || std::tie(op.hlc, op.origin) >
                                    std::tie(std::get<0>(it->second), std::get<1>(it->second))) {
        fields[name] = {op.hlc, op.origin, value};
      }
    }
  }
  if (fields.empty()) return std::nullopt;
  json out = json::object();
  for (const auto& [name, v] : fields) out[name] = std::get<2>(v);
  return out;
}

TEST_CASE("every migration step works on an empty store", "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  StoreOptions options = FileOptions(dir / "cairn.db", clock);

  {
    std::unique_ptr<Store> v1 = Must(Store::Open(AtVersion(options, 1)));
    CHECK(Must(v1->Stats()).schema_version == 1);
  }
  FileFacts one = ReadFacts(dir / "cairn.db");
  CHECK(one.schema_version == 1);
  CHECK(one.application_id == 0x43414952);
  for (const char* t : {"meta", "op", "origin", "ident", "op_by_id"}) CHECK(one.objects.count(t));
  CHECK_FALSE(one.objects.count("register"));

  {
    std::unique_ptr<Store> v2 = Must(Store::Open(AtVersion(options, 2)));
    CHECK(Must(v2->Stats()).schema_version == 2);
    CHECK(Problems(*v2).empty());
  }
  FileFacts two = ReadFacts(dir / "cairn.db");
  CHECK(two.schema_version == 2);
  for (const char* t : {"register", "retraction", "op_learner", "v_learner", "v_profile"}) {
    INFO(t);
    CHECK(two.objects.count(t));
  }
  CHECK_FALSE(two.objects.count("blob_ref"));

  {
    std::unique_ptr<Store> v3 = Must(Store::Open(options));
    CHECK(Must(v3->Stats()).schema_version == 3);
  }
  FileFacts three = ReadFacts(dir / "cairn.db");
  CHECK(three.schema_version == 3);
  CHECK(three.objects.count("blob_ref"));

  SECTION("asking for an older version never downgrades") {
    std::unique_ptr<Store> again = Must(Store::Open(AtVersion(options, 1)));
    CHECK(Must(again->Stats()).schema_version == kSchemaVersion);
    CHECK(ReadFacts(dir / "cairn.db").schema_version == kSchemaVersion);
  }
  SECTION("straight from nothing to the newest version gives the same schema") {
    StoreOptions fresh = FileOptions(dir / "fresh.db", clock);
    { Must(Store::Open(fresh)); }
    FileFacts direct = ReadFacts(dir / "fresh.db");
    CHECK(direct.objects == three.objects);
    CHECK(direct.schema_version == kSchemaVersion);
  }
}

TEST_CASE("files named by ops recorded at schema 2 are indexed when the store migrates",
          "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  StoreOptions options = FileOptions(dir / "cairn.db", clock);
  const std::string sha(64, 'a');
  {
    std::unique_ptr<Store> v2 = OpenInitialized(AtVersion(options, 2), TestOrigin(1));
    Must(v2->Append("pack", {{"pack", "p"}, {"content_hash", sha}, {"content_size", 1234}}));
    Must(v2->Append("pack", {{"pack", "old"}, {"content_hash", std::string(64, 'b')}}));
    Must(v2->Append("artifact", {{"learners", {"l-1"}}, {"sha256", std::string(64, 'c')},
                                 {"size", 99}}));
  }
  std::unique_ptr<Store> v3 = Must(Store::Open(options));
  std::vector<BlobRef> refs = Must(v3->BlobRefsAfter(0, 10, false));
  REQUIRE(refs.size() == 2);  // a pack without its size names no file
  CHECK(refs[0].sha256 == sha);
  CHECK(refs[0].size == 1234);
  CHECK(refs[1].sha256 == std::string(64, 'c'));
  CHECK(Must(v3->OpsNamingBlob(sha)).size() == 1);
  CHECK(Must(v3->CountBlobRefsAfter(0, true)) == 1);  // own artifacts only
  CHECK(Must(v3->EvidenceFor("l-1")).size() == 1);
}

TEST_CASE("ops recorded at schema 1 are materialized when the store migrates", "[agent]") {
  ScratchDir dir;
  FakeClock clock(kT);
  StoreOptions options = FileOptions(dir / "cairn.db", clock);
  std::vector<Op> before;
  {
    std::unique_ptr<Store> v1 = OpenInitialized(AtVersion(options, 1), TestOrigin(1));
    Must(v1->Append("learner", {{"learner", "l-1"}, {"given_name", "Ana"}}));
    for (int i = 0; i < 40; ++i) {
      clock.Advance(1);
      Must(v1->Append(
          "attempt",
          {{"learner", "l-1"}, {"item", "i-" + std::to_string(i)}, {"correct", i % 3 == 0}}));
    }
    OpId obs = Must(v1->Append("observation", {{"teacher", "t"},
                                               {"learners", {"l-1", "l-2"}},
                                               {"competency", "c"},
                                               {"level", 2},
                                               {"modality", "conference"}}));
    Must(v1->Append("retract", {{"target", obs.ToString()}}));
    // Remote ops too (the fixture generator writes both ways), past the point where
    // the store would index learners in bulk.
    std::vector<Op> remote;
    for (uint64_t i = 1; i <= 70; ++i) {
      remote.push_back(testing::MakeOp(TestOrigin(2), i,
                                       MakeHlc(kT + 500 + static_cast<int64_t>(i), 0), "signin",
                                       {{"learner", "l-2"}}));
    }
    Must(v1->ApplyRemote(remote));
    for (int i = 0; i < 70; ++i) Must(v1->Append("signin", {{"learner", "l-1"}}));
    before = AllOps(*v1);
  }
  std::unique_ptr<Store> v2 = Must(Store::Open(options));
  CHECK(Must(v2->Stats()).schema_version == kSchemaVersion);
  std::vector<Op> after = AllOps(*v2);
  REQUIRE(after.size() == before.size());
  for (size_t i = 0; i < after.size(); ++i) CHECK(SameOp(after[i], before[i]));
  CHECK(Must(v2->Entity("learner", "l-1"))->at("given_name") == "Ana");
  CHECK(Must(v2->EvidenceFor("l-1")).size() == 41 + 70);
  std::vector<Evidence> l2 = Must(v2->EvidenceFor("l-2"));
  REQUIRE(l2.size() == 1 + 70);
  CHECK(l2[0].retracted);  // the observation, first in fold order
  CHECK(Problems(*v2).empty());
}

TEST_CASE("a store written by the previous schema opens with everything in it", "[agent]") {
  fs::path fixture = SourceDir() / "tests" / "data" / "store-v1.sqlite";
  REQUIRE(fs::exists(fixture));
  ScratchDir dir;
  fs::path path = dir / "cairn.db";
  fs::copy_file(fixture, path);
  FakeClock clock(kT + 86'400'000);
  StoreOptions options = FileOptions(path, clock);

  FileFacts old = ReadFacts(path);
  REQUIRE(old.schema_version == 1);
  REQUIRE_FALSE(old.objects.count("register"));

  // The log as schema 1 holds it, read without migrating.
  std::vector<Op> before;
  Origin self;
  {
    std::unique_ptr<Store> v1 = Must(Store::Open(AtVersion(options, 1)));
    REQUIRE(v1->initialized());
    self = v1->self();
    before = AllOps(*v1);
  }
  REQUIRE(before.size() == static_cast<size_t>(old.op_rows));
  // A realistic mix, or this test proves little.
  std::set<std::string> kinds;
  std::set<Origin> origins;
  for (const Op& op : before) {
    kinds.insert(op.kind);
    origins.insert(op.origin);
  }
  for (const char* k : {"learner", "enrollment", "profile", "attempt", "observation", "retract",
                        "goal", "goal_checkin"}) {
    INFO(k);
    CHECK(kinds.count(k));
  }
  CHECK(origins.size() >= 2);

  std::unique_ptr<Store> store = Must(Store::Open(options));
  StoreStats stats = Must(store->Stats());
  CHECK(stats.schema_version == kSchemaVersion);
  CHECK(ReadFacts(path).schema_version == kSchemaVersion);
  CHECK(store->self() == self);
  CHECK(store->mode() == StoreMode::kStandalone);

  SECTION("every op is still there, unchanged and in the same order") {
    std::vector<Op> after = AllOps(*store);
    REQUIRE(after.size() == before.size());
    for (size_t i = 0; i < after.size(); ++i) CHECK(SameOp(after[i], before[i]));
    CHECK(Problems(*store).empty());
  }
  SECTION("the materialized tables equal a fresh store's that applied the same ops") {
    std::unique_ptr<Store> fresh = OpenInitialized(MemoryOptions(clock), self);
    Must(fresh->ApplyRemote(before));
    CHECK(Must(store->Digest()) == Must(fresh->Digest()));
    for (const KindSpec& kind : AllKinds()) {
      if (kind.merge != MergeRule::kLastWriterWins) continue;
      CHECK(Must(store->Entities(kind.name)) == Must(fresh->Entities(kind.name)));
    }
  }
  SECTION("last writer wins as the rule says, across both devices' edits") {
    std::set<std::pair<std::string, std::string>> entities;
    for (const Op& op : before) {
      const KindSpec* kind = FindKind(op.kind);
      if (kind->merge == MergeRule::kLastWriterWins && kind->key_fields == 1) {
        entities.insert({op.kind, op.body.at(std::string(kind->fields[0].name))});
      }
    }
    CHECK(entities.size() >= 8);
    for (const auto& [kind, key] : entities) {
      INFO(kind << " " << key);
      CHECK(Must(store->Entity(kind, key)) == FoldEntity(before, *FindKind(kind), key));
    }
  }
  SECTION("corrections and multi-learner evidence are in place") {
    std::set<OpId> withdrawn;
    std::set<std::string> learners;
    for (const Op& op : before) {
      for (const char* f : {"target", "supersedes"}) {
        if (op.body.contains(f))
          withdrawn.insert(Must(OpId::Parse(op.body.at(f).get<std::string>())));
      }
      if (op.body.contains("learner")) learners.insert(op.body.at("learner"));
      if (op.body.contains("learners")) {
        for (const auto& l : op.body.at("learners")) learners.insert(l);
      }
    }
    REQUIRE(withdrawn.size() >= 2);
    size_t evidence = 0, marked = 0;
    for (const std::string& learner : learners) {
      for (const Evidence& e : Must(store->EvidenceFor(learner))) {
        ++evidence;
        CHECK(e.retracted == (withdrawn.count(e.op.id()) > 0));
        marked += e.retracted;
      }
    }
    CHECK(marked >= withdrawn.size());  // an observation counts once per learner
    size_t evidence_ops = 0;
    for (const Op& op : before) {
      if (FindKind(op.kind)->merge == MergeRule::kGrowOnly && op.kind != "retract") {
        evidence_ops += op.body.contains("learners") ? op.body.at("learners").size() : 1;
      }
    }
    CHECK(evidence == evidence_ops);
  }
  SECTION("the old ops arriving again are recognised as the same ops") {
    ApplyStats again = Must(store->ApplyRemote(before));
    CHECK(again.applied == 0);
    CHECK(again.duplicates == before.size());
  }
  SECTION("the device goes on numbering its ops after the old ones") {
    uint64_t own = stats.own_ops;
    REQUIRE(own > 0);
    OpId next = Must(store->Append("signin", {{"learner", "l-ana"}}));
    CHECK(next.seq == own + 1);
    CHECK(AllOps(*store).back().hlc > before.back().hlc);
    CHECK(Problems(*store).empty());
  }
  SECTION("opening the migrated store again changes nothing") {
    std::string digest = Must(store->Digest());
    store.reset();
    std::unique_ptr<Store> reopened = Must(Store::Open(options));
    CHECK(Must(reopened->Digest()) == digest);
  }
}

}  // namespace
}  // namespace cairn
