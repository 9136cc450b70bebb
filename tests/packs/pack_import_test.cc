// Importing packs into a store: once, all or nothing, and new versions that keep
// what the old ones had.
#include <catch2/catch.hpp>

#include "packs/pack_testing.h"

namespace cairn::packs_testing {
namespace {

std::string DigestOf(const Store& store) {
  Result<std::string> digest = store.Digest();
  REQUIRE(digest.ok());
  return *digest;
}

uint64_t OpsIn(const Store& store) {
  Result<StoreStats> stats = store.Stats();
  REQUIRE(stats.ok());
  return stats->total_ops;
}

json EntityOf(const Store& store, std::string_view kind, std::string_view id) {
  Result<std::optional<json>> e = store.Entity(kind, id);
  REQUIRE(e.ok());
  REQUIRE(e->has_value());
  return **e;
}

TEST_CASE("importing a pack records its competencies, lessons, items and the pack itself",
          "[packs][import]") {
  auto store = StandaloneStore();
  json p = SmallPack();
  p["lessons"][0]["passage"] = "Once upon a time.";
  p["lessons"][0]["items"][0]["difficulty"] = 2;
  Result<PackImport> imported = ImportPack(*store, MustParse(p));
  REQUIRE(imported.ok());
  CHECK(imported->ops == 7);
  CHECK_FALSE(imported->already_present);
  CHECK(EntityOf(*store, "pack", "p")["language"] == "en");
  CHECK(EntityOf(*store, "competency", "b")["prerequisites"] == json({"a"}));
  CHECK(EntityOf(*store, "lesson", "l")["passage"] == "Once upon a time.");
  json i1 = EntityOf(*store, "item", "i1");
  CHECK(i1["difficulty"] == 2);
  CHECK(i1["content"]["choices"] == json({"x", "y"}));
  CHECK_FALSE(i1.contains("retired"));
}

TEST_CASE("importing the same file again changes nothing", "[packs][import]") {
  auto store = StandaloneStore();
  Pack pack = MustParse(SmallPack());
  REQUIRE(ImportPack(*store, pack).ok());
  std::string digest = DigestOf(*store);
  uint64_t ops = OpsIn(*store);
  Result<PackImport> again = ImportPack(*store, pack);
  REQUIRE(again.ok());
  CHECK(again->already_present);
  CHECK(again->ops == 0);
  CHECK(OpsIn(*store) == ops);
  CHECK(DigestOf(*store) == digest);
}

TEST_CASE("a pack whose ids belong to another pack is rejected and changes nothing",
          "[packs][import]") {
  auto store = StandaloneStore();
  REQUIRE(ImportPack(*store, MustParse(SmallPack())).ok());
  std::string digest = DigestOf(*store);
  json other = SmallPack();
  other["id"] = "other";
  other["competencies"][0]["id"] = "other.a";
  other["competencies"][1]["id"] = "other.b";
  other["competencies"][1]["prerequisites"] = {"other.a"};
  other["lessons"][0]["id"] = "other.l";
  other["lessons"][0]["competencies"] = {"other.a", "other.b"};
  other["lessons"][0]["items"][1]["id"] = "other.i2";
  other["lessons"][0]["items"][2]["id"] = "other.i3";
  Result<PackImport> imported = ImportPack(*store, MustParse(other));
  REQUIRE_FALSE(imported.ok());
  CHECK(imported.status().code() == Status::Code::kInvalidArgument);
  CHECK(imported.status().message() ==
        "cannot import beside the packs already in this store: the pack has 1 problem:\n"
        "  $.lessons[0].items[0].id: item 'i1' already belongs to the pack 'p' in this store "
        "(ids are shared by every pack: give each pack's ids a prefix of its own)");
  CHECK(DigestOf(*store) == digest);
}

TEST_CASE("on an enrolled device a pack import is refused and changes nothing", "[packs][import]") {
  auto store = StandaloneStore();
  REQUIRE(store->SetAuthority(Origin::Random()).ok());
  std::string digest = DigestOf(*store);
  Result<PackImport> imported = ImportPack(*store, MustParse(SmallPack()));
  CHECK(imported.status().code() == Status::Code::kFailedPrecondition);
  CHECK(DigestOf(*store) == digest);
}

TEST_CASE("a newer version keeps the old items, marked retired, with all their evidence",
          "[packs][import]") {
  auto store = StandaloneStore();
  REQUIRE(ImportPack(*store, MustParse(SmallPack())).ok());
  json before = EntityOf(*store, "item", "i2");
  Result<OpId> attempt = store->Append(
      "attempt", {{"learner", "ada"}, {"item", "i2"}, {"lesson", "l"}, {"correct", true}});
  REQUIRE(attempt.ok());
  REQUIRE(store
              ->Append("observation", {{"teacher", "t"},
                                       {"learners", {"ada"}},
                                       {"competency", "b"},
                                       {"level", 3},
                                       {"modality", "small_group"}})
              .ok());

  // Version 2 drops item i2 and competency b, and adds a lesson.
  json v2 = SmallPack();
  v2["version"] = "2";
  v2["competencies"].erase(1);
  v2["lessons"][0]["competencies"] = {"a"};
  v2["lessons"][0]["items"].erase(1);
  v2["lessons"].push_back(
      {{"id", "l2"},
       {"title", "L2"},
       {"competencies", {"a"}},
       {"items", {{{"id", "i4"}, {"type", "text"}, {"prompt", "?"}, {"answer", "yes"}}}}});
  Result<PackImport> imported = ImportPack(*store, MustParse(v2));
  REQUIRE(imported.ok());
  CHECK_FALSE(imported->already_present);
  CHECK(imported->retired_items == 1);
  CHECK(imported->retired_competencies == 1);
  CHECK(imported->retired_lessons == 0);

  json i2 = EntityOf(*store, "item", "i2");
  CHECK(i2["retired"] == true);
  CHECK(i2["content"] == before["content"]);  // nothing about it is lost
  CHECK(EntityOf(*store, "competency", "b")["retired"] == true);
  CHECK(EntityOf(*store, "lesson", "l")["items"] == json({"i1", "i3"}));
  CHECK(EntityOf(*store, "pack", "p")["version"] == "2");

  Result<std::vector<Evidence>> evidence = store->EvidenceFor("ada");
  REQUIRE(evidence.ok());
  REQUIRE(evidence->size() == 2);
  CHECK(evidence->at(0).op.id() == *attempt);
  CHECK_FALSE(evidence->at(0).retracted);
  CHECK(evidence->at(1).op.kind == "observation");
  CHECK_FALSE(evidence->at(1).retracted);

  SECTION("a later version that has the item again brings it back") {
    json v3 = SmallPack();
    v3["version"] = "3";
    Result<PackImport> back = ImportPack(*store, MustParse(v3));
    REQUIRE(back.ok());
    CHECK(back->retired_lessons == 1);  // l2 is gone in version 3
    CHECK(back->retired_items == 1);    // and so is its item i4
    CHECK(EntityOf(*store, "item", "i2")["retired"] == false);
    CHECK(EntityOf(*store, "competency", "b")["retired"] == false);
    CHECK(EntityOf(*store, "lesson", "l2")["retired"] == true);
    CHECK(EntityOf(*store, "item", "i4")["retired"] == true);
  }
  SECTION("importing the newer version again changes nothing") {
    std::string digest = DigestOf(*store);
    Result<PackImport> again = ImportPack(*store, MustParse(v2));
    REQUIRE(again.ok());
    CHECK(again->already_present);
    CHECK(DigestOf(*store) == digest);
  }
}

TEST_CASE("an older file imported after a newer one is recorded over it, retiring nothing it has",
          "[packs][import]") {
  auto store = StandaloneStore();
  json v2 = SmallPack();
  v2["version"] = "2";
  v2["lessons"][0]["items"][0]["prompt"] = "Pick one";
  REQUIRE(ImportPack(*store, MustParse(v2)).ok());
  Result<PackImport> v1 = ImportPack(*store, MustParse(SmallPack()));
  REQUIRE(v1.ok());
  CHECK(v1->retired_items == 0);
  CHECK(EntityOf(*store, "pack", "p")["version"] == "1");
  CHECK(EntityOf(*store, "item", "i1")["content"]["prompt"] == "?");
}

}  // namespace
}  // namespace cairn::packs_testing
