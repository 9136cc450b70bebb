// Writes tests/data/store-v1.sqlite: a device store in schema version 1 (the op
// log only, before the materialized tables), for the migration test. Run once by
// hand when a new fixture is needed; the file is committed, so later builds test
// against the real old format rather than whatever this source would write today.
//
//   make_v1_fixture tests/data/store-v1.sqlite
//
// The content is a small standalone classroom: learners, profile edits from two
// devices (one conflicting field, one merging), attempts, an observation of two
// learners, a retraction and a correction.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cairn/agent/store.h"

namespace fs = std::filesystem;
using cairn::FakeClock;
using cairn::Op;
using cairn::OpId;
using cairn::Origin;
using cairn::Status;
using cairn::Store;
using cairn::StoreMode;
using cairn::StoreOptions;
using nlohmann::json;

namespace {

int Fail(const Status& s) {
  std::fprintf(stderr, "make_v1_fixture: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_v1_fixture OUTPUT.sqlite\n");
    return 2;
  }
  fs::path out = argv[1];
  fs::path work = fs::temp_directory_path() / ("make_v1_fixture." + std::to_string(::getpid()));
  fs::create_directories(work);

  // Fixed ids and times, so a regenerated fixture differs only where the format does.
  Origin classroom = *Origin::FromHex("c1a550000000000000000000000000a1");
  Origin tablet = *Origin::FromHex("7ab1e7000000000000000000000000b2");
  FakeClock clock(1'790'000'000'000);
  {
    StoreOptions options;
    options.path = work / "store.sqlite";
    options.clock = &clock;
    options.target_schema_version = 1;
    auto opened = Store::Open(options);
    if (!opened.ok()) return Fail(opened.status());
    Store& store = **opened;
    if (Status s = store.Initialize(classroom, StoreMode::kStandalone); !s.ok()) return Fail(s);

    auto append = [&](const char* kind, json body) -> OpId {
      clock.Advance(1000);
      auto id = store.Append(kind, body);
      if (!id.ok()) {
        Fail(id.status());
        std::exit(1);
      }
      return *id;
    };
    append("school", {{"school", "hillside"}, {"name", "Hillside Primary"}});
    append("class",
           {{"class", "room-12"}, {"school", "hillside"}, {"name", "Room 12"}, {"grade", "3"}});
    append("teacher", {{"teacher", "t-okafor"}, {"school", "hillside"}, {"name", "Ms Okafor"}});
    for (const char* l : {"l-ana", "l-ben", "l-chi"}) {
      append("learner", {{"learner", l}, {"school", "hillside"}, {"given_name", l + 2}});
      append("enrollment", {{"class", "room-12"}, {"learner", l}, {"active", true}});
    }
    append(
        "competency",
        {{"competency", "frac.halves"}, {"title", "Halves"}, {"standard_code", "CCSS 3.NF.A.1"}});
    append("profile", {{"learner", "l-ana"}, {"interests", {"maps"}}, {"languages", {"es"}}});
    OpId a1 = append("attempt", {{"learner", "l-ana"},
                                 {"item", "frac.1"},
                                 {"correct", false},
                                 {"response", "1/3"},
                                 {"duration_ms", 8200}});
    append("attempt", {{"learner", "l-ana"},
                       {"item", "frac.1"},
                       {"correct", true},
                       {"response", "1/2"},
                       {"hints", 1},
                       {"supersedes", a1.ToString()}});
    OpId b1 = append("attempt",
                     {{"learner", "l-ben"}, {"item", "frac.2"}, {"correct", true}, {"score", 0.5}});
    append("observation", {{"teacher", "t-okafor"},
                           {"learners", {"l-ana", "l-chi"}},
                           {"competency", "frac.halves"},
                           {"level", 3},
                           {"modality", "small_group"},
                           {"note", "folded paper into halves"}});
    append("retract", {{"target", b1.ToString()}, {"reason", "wrong learner"}});
    append("goal", {{"goal", "g-ana-1"},
                    {"learner", "l-ana"},
                    {"text", "read 3 books"},
                    {"status", "active"}});

    // The learner's tablet edited the same profile: one field in conflict (its
    // stamp is later, so it wins) and one the classroom device never touched.
    int64_t now = clock.NowMillis();
    std::vector<Op> from_tablet = {
        {tablet,
         1,
         cairn::MakeHlc(now + 500, 0),
         "profile",
         {{"learner", "l-ana"}, {"interests", {"maps", "boats"}}, {"about", "I like boats"}}},
        {tablet,
         2,
         cairn::MakeHlc(now + 600, 0),
         "goal_checkin",
         {{"learner", "l-ana"}, {"goal", "g-ana-1"}, {"rating", 4}, {"progress", 30}}},
        {tablet,
         3,
         cairn::MakeHlc(now - 5000, 0),
         "profile",
         {{"learner", "l-ben"}, {"interests", {"football"}}}},
    };
    auto applied = store.ApplyRemote(from_tablet);
    if (!applied.ok()) return Fail(applied.status());
    clock.Advance(1000);
    append("profile", {{"learner", "l-ben"}, {"interests", {"chess"}}});  // wins: later
  }
  fs::copy_file(work / "store.sqlite", out, fs::copy_options::overwrite_existing);
  fs::remove_all(work);
  std::printf("wrote %s\n", out.c_str());
  return 0;
}
