// ParsePack and ImportPack (agent/pack.h) on small packs.
#include <catch2/catch.hpp>

#include "cairn/agent/pack.h"

namespace cairn {
namespace {

using nlohmann::json;

json SmallPack() {
  return json::parse(R"({
    "id": "p", "version": "1", "title": "P", "language": "en", "license": "CC0-1.0",
    "competencies": [{"id": "a", "title": "A"}, {"id": "b", "title": "B", "prerequisites": ["a"]}],
    "lessons": [{"id": "l", "title": "L", "competencies": ["a", "b"], "items": [
      {"id": "i1", "type": "choice", "prompt": "?", "choices": ["x", "y"], "answer": 0},
      {"id": "i2", "type": "numeric", "prompt": "?", "answer": 0.5, "tolerance": 0.01,
       "competencies": ["b"]},
      {"id": "i3", "type": "text", "prompt": "?", "answer": "3/8", "hints": ["h"],
       "feedback": {"correct": "yes"}}
    ]}]
  })");
}

std::string ProblemsOf(const json& pack) {
  Result<Pack> parsed = ParsePack(pack.dump());
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == Status::Code::kInvalidArgument);
  return parsed.status().message();
}

TEST_CASE("a well-formed pack becomes competency, lesson, item and pack ops", "[cli][pack]") {
  Result<Pack> pack = ParsePack(SmallPack().dump());
  INFO(pack.status().message());
  REQUIRE(pack.ok());
  CHECK(pack->competencies == 2);
  CHECK(pack->lessons == 1);
  CHECK(pack->items == 3);
  CHECK(pack->content_hash.size() == 64);
  REQUIRE(pack->ops.size() == 7);
  CHECK(pack->ops.front().first == "competency");
  CHECK(pack->ops.back().first == "pack");
  CHECK(pack->ops.back().second["content_hash"] == pack->content_hash);
  const json& lesson = pack->ops[2].second;
  CHECK(lesson["items"] == json({"i1", "i2", "i3"}));
  const json& i1 = pack->ops[3].second;
  CHECK(i1["competencies"] == json({"a", "b"}));  // its lesson's
  CHECK(pack->ops[4].second["competencies"] == json({"b"}));
  CHECK(pack->ops[5].second["content"]["answer"] == json({"3/8"}));
}

TEST_CASE("the content hash changes with the file's bytes", "[cli][pack]") {
  Result<Pack> a = ParsePack(SmallPack().dump());
  Result<Pack> b = ParsePack(SmallPack().dump(2));
  REQUIRE((a.ok() && b.ok()));
  CHECK(a->content_hash != b->content_hash);
}

TEST_CASE("pack problems are each named by their JSON path", "[cli][pack]") {
  SECTION("a prerequisite cycle") {
    json p = SmallPack();
    p["competencies"][0]["prerequisites"] = {"b"};
    CHECK(ProblemsOf(p).find("go round in a circle") != std::string::npos);
  }
  SECTION("a competency that is its own prerequisite") {
    json p = SmallPack();
    p["competencies"][0]["prerequisites"] = {"a"};
    CHECK(
        ProblemsOf(p).find("$.competencies[0].prerequisites[0]: a competency cannot be its own") !=
        std::string::npos);
  }
  SECTION("a choice answer out of range and too few choices") {
    json p = SmallPack();
    p["lessons"][0]["items"][0]["answer"] = 2;
    CHECK(ProblemsOf(p).find("$.lessons[0].items[0].answer: choice 2 does not exist") !=
          std::string::npos);
    p["lessons"][0]["items"][0]["choices"] = {"x"};
    CHECK(ProblemsOf(p).find("needs 2 to 10 choices") != std::string::npos);
  }
  SECTION("duplicate item ids across lessons") {
    json p = SmallPack();
    p["lessons"].push_back(p["lessons"][0]);
    p["lessons"][1]["id"] = "l2";
    std::string problems = ProblemsOf(p);
    CHECK(problems.find("$.lessons[1].items[0].id: duplicate item id 'i1' (also at "
                        "$.lessons[0].items[0])") != std::string::npos);
  }
  SECTION("an unknown lesson competency and an item competency outside its lesson") {
    json p = SmallPack();
    p["lessons"][0]["competencies"] = {"a", "z"};
    std::string problems = ProblemsOf(p);
    CHECK(problems.find("$.lessons[0].competencies[1]: unknown competency 'z'") !=
          std::string::npos);
    CHECK(problems.find("$.lessons[0].items[1].competencies[0]: 'b' is not one of its lesson's") !=
          std::string::npos);
  }
  SECTION("text past its kind's limit") {
    json p = SmallPack();
    p["title"] = std::string(201, 't');
    CHECK(ProblemsOf(p).find("$.title: text longer than 200 bytes (it has 201)") !=
          std::string::npos);
  }
  SECTION("a wrong type and missing top-level fields") {
    json p = SmallPack();
    p.erase("license");
    p["lessons"][0]["items"][1]["type"] = "essay";
    std::string problems = ProblemsOf(p);
    CHECK(problems.find("$.license: missing") != std::string::npos);
    CHECK(problems.find("$.lessons[0].items[1].type: expected choice, numeric or text") !=
          std::string::npos);
    CHECK(problems.find("the pack has 2 problems") != std::string::npos);
  }
  SECTION("not an object") {
    CHECK(ParsePack("[1, 2]").status().message().find("JSON object") != std::string::npos);
  }
}

TEST_CASE("a pack is imported in one transaction, and once", "[cli][pack]") {
  StoreOptions options;
  options.in_memory = true;
  Result<std::unique_ptr<Store>> store = Store::Open(options);
  REQUIRE(store.ok());
  REQUIRE((*store)->Initialize(Origin::Random(), StoreMode::kStandalone).ok());
  Result<Pack> pack = ParsePack(SmallPack().dump());
  REQUIRE(pack.ok());
  Result<PackImport> first = ImportPack(**store, *pack);
  REQUIRE(first.ok());
  CHECK(first->ops == 7);
  Result<PackImport> again = ImportPack(**store, *pack);
  REQUIRE(again.ok());
  CHECK(again->already_present);
  Result<std::optional<json>> item = (*store)->Entity("item", "i2");
  REQUIRE((item.ok() && item->has_value()));
  CHECK((**item)["content"]["tolerance"] == 0.01);

  SECTION("on an enrolled device, packs come from the server") {
    REQUIRE((*store)->SetAuthority(Origin::Random()).ok());
    json p = SmallPack();
    p["version"] = "2";
    Result<Pack> v2 = ParsePack(p.dump());
    REQUIRE(v2.ok());
    CHECK(ImportPack(**store, *v2).status().code() == Status::Code::kFailedPrecondition);
  }
}

}  // namespace
}  // namespace cairn
