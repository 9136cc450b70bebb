// One test per rule of a pack's check (agent/CONTENT.md, "Checks"), each with
// the exact line `cairnctl pack validate` shows for it.
#include <catch2/catch.hpp>

#include "packs/pack_testing.h"

namespace cairn::packs_testing {
namespace {

json& Item(json& pack, size_t i) { return pack["lessons"][0]["items"][i]; }

TEST_CASE("the small test pack is valid", "[packs][rules]") {
  Result<Pack> pack = ParsePack(SmallPack().dump());
  INFO(pack.status().message());
  CHECK(pack.ok());
}

TEST_CASE("a file that is not JSON is refused with its line and column", "[packs][rules]") {
  Result<Pack> pack = ParsePack("{\n  \"id\": \"p\",\n  \"title\" \"P\"\n}");
  REQUIRE_FALSE(pack.ok());
  CHECK(pack.status().code() == Status::Code::kInvalidArgument);
  CHECK(pack.status().message().starts_with("the pack is not valid JSON (line 3, column 13): "));
}

TEST_CASE("a pack must be a JSON object", "[packs][rules]") {
  CHECK(ParsePack("[1, 2]").status().message() ==
        "the pack must be a JSON object ({...}), got [1,2]");
}

TEST_CASE("a pack larger than 16 MiB is refused before it is parsed", "[packs][rules]") {
  std::string huge(kMaxPackBytes + 1, ' ');
  CHECK(ParsePack(huge).status().message() ==
        "the pack is larger than 16 MiB; split it into smaller packs");
}

TEST_CASE("a missing required field is named", "[packs][rules]") {
  json p = SmallPack();
  p.erase("license");
  p["competencies"][0].erase("title");
  Item(p, 0).erase("prompt");
  REQUIRE_PROBLEM(p, "$.license: missing");
  REQUIRE_PROBLEM(p, "$.competencies[0].title: missing");
  REQUIRE_PROBLEM(p, "$.lessons[0].items[0].prompt: missing");
}

TEST_CASE("an unknown field is named, with the field it was probably meant to be",
          "[packs][rules]") {
  json p = SmallPack();
  p["licence"] = "CC0-1.0";
  p["colour"] = "blue";
  Item(p, 1)["anwser"] = 3;
  p["lessons"][0]["prerequisites"] = json::array();
  p["competencies"][0]["standard code"] = "3.NF.A.1";
  REQUIRE_PROBLEM(p, "$.licence: unknown field (did you mean \"license\"?)");
  REQUIRE_PROBLEM(p, "$.lessons[0].items[1].anwser: unknown field (did you mean \"answer\"?)");
  REQUIRE_PROBLEM(p,
                  "$.colour: unknown field (expected one of: id, version, title, language, "
                  "license, competencies, lessons)");
  REQUIRE_PROBLEM(p,
                  "$.competencies[0][\"standard code\"]: unknown field (did you mean "
                  "\"standard_code\"?)");
}

TEST_CASE("a very long unknown field name is shown cut short", "[packs][rules]") {
  json p = SmallPack();
  p[std::string(5000, 'x')] = 1;
  REQUIRE_PROBLEM(p, "$[\"" + std::string(60, 'x') +
                         "...\"]: unknown field (expected one of: id, version, title, language, "
                         "license, competencies, lessons)");
}

TEST_CASE("a value of the wrong type is named with what was expected", "[packs][rules]") {
  json p = SmallPack();
  p["title"] = 5;
  p["lessons"][0]["minutes"] = "ten";
  p["lessons"][0]["competencies"][0] = 1;
  Item(p, 2)["feedback"] = "good";
  Item(p, 2)["hints"] = "try again";
  REQUIRE_PROBLEM(p, "$.title: expected text, got 5");
  REQUIRE_PROBLEM(p, "$.lessons[0].minutes: expected a whole number from 0 to 600, got \"ten\"");
  REQUIRE_PROBLEM(p, "$.lessons[0].competencies[0]: expected an id (text), got 1");
  REQUIRE_PROBLEM(p, "$.lessons[0].items[2].feedback: expected an object, got \"good\"");
  REQUIRE_PROBLEM(p, "$.lessons[0].items[2].hints: expected a list, got \"try again\"");

  json q = SmallPack();
  q["competencies"] = {{"id", "a"}};
  REQUIRE_PROBLEM(q, "$.competencies: expected a list, got {\"id\":\"a\"}");
}

TEST_CASE("a text of nothing but spaces is refused", "[packs][rules]") {
  json p = SmallPack();
  p["title"] = "   ";
  REQUIRE_PROBLEM(p, "$.title: expected text, got nothing but spaces");
}

TEST_CASE("a text longer than its limit is refused with its length", "[packs][rules]") {
  json p = SmallPack();
  p["title"] = std::string(201, 't');
  Item(p, 0)["prompt"] = std::string(2001, 'p');
  Item(p, 0)["hints"] = {std::string(1001, 'h')};
  REQUIRE_PROBLEM(p, "$.title: text longer than 200 bytes (it has 201)");
  REQUIRE_PROBLEM(p, "$.lessons[0].items[0].prompt: text longer than 2000 bytes (it has 2001)");
  REQUIRE_PROBLEM(p, "$.lessons[0].items[0].hints[0]: text longer than 1000 bytes (it has 1001)");
}

TEST_CASE("a malformed id is refused", "[packs][rules]") {
  json p = SmallPack();
  p["competencies"][0]["id"] = "a b";
  p["lessons"][0]["id"] = "";
  Item(p, 0)["id"] = std::string(129, 'i');
  REQUIRE_PROBLEM(p, "$.competencies[0].id: id 'a b' contains a space or control character");
  REQUIRE_PROBLEM(p, "$.lessons[0].id: an id must not be empty");
  REQUIRE_PROBLEM(p, "$.lessons[0].items[0].id: an id is at most 128 bytes");
}

TEST_CASE("the language must be a language tag", "[packs][rules]") {
  json p = SmallPack();
  p["language"] = "English";
  REQUIRE_PROBLEM(p,
                  "$.language: expected a language tag such as en, es or es-MX, got \"English\"");
  for (const char* good : {"en", "es-MX", "es-419", "zh-Hant-TW"}) {
    p["language"] = good;
    CHECK(ParsePack(p.dump()).ok());
  }
}

TEST_CASE("a duplicate competency id is named with the first one's place", "[packs][rules]") {
  json p = SmallPack();
  p["competencies"][1]["id"] = "a";
  REQUIRE_PROBLEM(p,
                  "$.competencies[1].id: duplicate competency id 'a' (also at $.competencies[0])");
}

TEST_CASE("a duplicate lesson id is named with the first one's place", "[packs][rules]") {
  json p = SmallPack();
  p["lessons"].push_back(p["lessons"][0]);
  for (size_t i = 0; i < 3; ++i) p["lessons"][1]["items"][i]["id"] = "j" + std::to_string(i);
  REQUIRE_PROBLEM(p, "$.lessons[1].id: duplicate lesson id 'l' (also at $.lessons[0])");
}

TEST_CASE("a duplicate item id is found across lessons", "[packs][rules]") {
  json p = SmallPack();
  p["lessons"].push_back(p["lessons"][0]);
  p["lessons"][1]["id"] = "l2";
  REQUIRE_PROBLEM(
      p, "$.lessons[1].items[0].id: duplicate item id 'i1' (also at $.lessons[0].items[0])");
}

TEST_CASE("an unknown prerequisite is refused", "[packs][rules]") {
  json p = SmallPack();
  p["competencies"][1]["prerequisites"] = {"z"};
  REQUIRE_PROBLEM(p,
                  "$.competencies[1].prerequisites[0]: unknown prerequisite 'z' (not a "
                  "competency of this pack)");
}

TEST_CASE("a competency cannot be its own prerequisite", "[packs][rules]") {
  json p = SmallPack();
  p["competencies"][0]["prerequisites"] = {"a"};
  REQUIRE_PROBLEM(p,
                  "$.competencies[0].prerequisites[0]: a competency cannot be its own "
                  "prerequisite");
}

TEST_CASE("a prerequisite listed twice is named", "[packs][rules]") {
  json p = SmallPack();
  p["competencies"][1]["prerequisites"] = {"a", "a"};
  REQUIRE_PROBLEM(p, "$.competencies[1].prerequisites[1]: 'a' is listed twice");
}

TEST_CASE("prerequisites that go round in a circle are refused, the circle spelled out",
          "[packs][rules]") {
  SECTION("two competencies") {
    json p = SmallPack();
    p["competencies"][0]["prerequisites"] = {"b"};
    REQUIRE_PROBLEM(p,
                    "$.competencies[1].prerequisites[0]: prerequisites go round in a circle: "
                    "a needs b, which needs a");
  }
  SECTION("three competencies, and a branch that is not part of the circle") {
    json p = SmallPack();
    p["competencies"] = json::parse(R"([
      {"id": "a", "title": "A", "prerequisites": ["c", "d"]},
      {"id": "b", "title": "B", "prerequisites": ["a"]},
      {"id": "c", "title": "C", "prerequisites": ["b"]},
      {"id": "d", "title": "D"}
    ])");
    std::vector<std::string> problems = Problems(p);
    CHECK(problems.size() == 1);
    REQUIRE_PROBLEM(p,
                    "$.competencies[1].prerequisites[0]: prerequisites go round in a circle: "
                    "a needs c, which needs b, which needs a");
  }
  SECTION("a long chain is checked without running out of stack") {
    json p = SmallPack();
    p["competencies"] = json::array();
    for (int i = 0; i < 100000; ++i) {
      json c = {{"id", "c" + std::to_string(i)}, {"title", "C"}};
      if (i > 0) c["prerequisites"] = {"c" + std::to_string(i - 1)};
      p["competencies"].push_back(c);
    }
    p["competencies"][0]["prerequisites"] = {"c99999"};
    p["lessons"][0]["competencies"] = {"c0"};
    std::vector<std::string> problems = Problems(p);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0] ==
          "$.competencies[1].prerequisites[0]: prerequisites go round in a circle: c0 needs "
          "c99999, which needs c99998, which needs c99997, which needs c99996, which needs "
          "c99995, which needs c99994, which needs c99993, which needs c99992, which needs "
          "c99991, ... 99989 more ..., which needs c1, which needs c0");
  }
}

TEST_CASE("a lesson naming an unknown competency is refused", "[packs][rules]") {
  json p = SmallPack();
  p["lessons"][0]["competencies"] = {"a", "z"};
  REQUIRE_PROBLEM(p,
                  "$.lessons[0].competencies[1]: unknown competency 'z' (not a competency of "
                  "this pack)");
}

TEST_CASE("a lesson needs a competency and an item", "[packs][rules]") {
  json p = SmallPack();
  p["lessons"][0]["competencies"] = json::array();
  p["lessons"][0]["items"] = json::array();
  REQUIRE_PROBLEM(p, "$.lessons[0].competencies: name at least one competency");
  REQUIRE_PROBLEM(p, "$.lessons[0].items: a lesson needs at least one item");
  json q = SmallPack();
  q["lessons"][0].erase("items");
  REQUIRE_PROBLEM(q, "$.lessons[0].items: missing");
}

TEST_CASE("a pack needs a competency and a lesson", "[packs][rules]") {
  json p = SmallPack();
  p["competencies"] = json::array();
  p["lessons"] = json::array();
  REQUIRE_PROBLEM(p, "$.competencies: a pack needs at least one competency");
  REQUIRE_PROBLEM(p, "$.lessons: a pack needs at least one lesson");
}

TEST_CASE("an item gives evidence only of its lesson's competencies", "[packs][rules]") {
  json p = SmallPack();
  p["lessons"][0]["competencies"] = {"a"};
  Item(p, 1)["competencies"] = {"b"};
  Item(p, 2)["competencies"] = json::array();
  REQUIRE_PROBLEM(p,
                  "$.lessons[0].items[1].competencies[0]: 'b' is not one of its lesson's "
                  "competencies");
  REQUIRE_PROBLEM(p,
                  "$.lessons[0].items[2].competencies: name at least one, or leave it out to "
                  "mean all of its lesson's");
}

TEST_CASE("an item's type must be choice, numeric or text", "[packs][rules]") {
  json p = SmallPack();
  Item(p, 1)["type"] = "essay";
  REQUIRE_PROBLEM(p, "$.lessons[0].items[1].type: expected choice, numeric or text, got \"essay\"");
}

TEST_CASE("an item without an answer is refused", "[packs][rules]") {
  json p = SmallPack();
  for (size_t i = 0; i < 3; ++i) Item(p, i).erase("answer");
  REQUIRE_PROBLEM(p, "$.lessons[0].items[0]: no answer (every item needs \"answer\")");
  REQUIRE_PROBLEM(p, "$.lessons[0].items[1]: no answer (every item needs \"answer\")");
  REQUIRE_PROBLEM(p, "$.lessons[0].items[2]: no answer (every item needs \"answer\")");
}

TEST_CASE("a choice item needs 2 to 10 choices", "[packs][rules]") {
  json p = SmallPack();
  Item(p, 0)["choices"] = {"x"};
  REQUIRE_PROBLEM(p, "$.lessons[0].items[0].choices: a choice item needs 2 to 10 choices, got 1");
  Item(p, 0).erase("choices");
  REQUIRE_PROBLEM(p,
                  "$.lessons[0].items[0].choices: missing (a choice item needs 2 to 10 choices)");
  Item(p, 0)["choices"] = json::array();
  for (int i = 0; i < 11; ++i) Item(p, 0)["choices"].push_back("c" + std::to_string(i));
  REQUIRE_PROBLEM(p, "$.lessons[0].items[0].choices: a choice item needs 2 to 10 choices, got 11");
}

TEST_CASE("two choices that differ only in case and spaces are refused", "[packs][rules]") {
  json p = SmallPack();
  Item(p, 0)["choices"] = {"Leo", " LEO "};
  REQUIRE_PROBLEM(p,
                  "$.lessons[0].items[0].choices[1]: the same as choice 0 (\"Leo\"), case and "
                  "spaces aside");
}

TEST_CASE("a choice answer must be the index of a choice", "[packs][rules]") {
  json p = SmallPack();
  Item(p, 0)["answer"] = 2;
  REQUIRE_PROBLEM(p,
                  "$.lessons[0].items[0].answer: choice 2 does not exist (the choices are "
                  "numbered 0 to 1)");
  Item(p, 0)["answer"] = "x";
  REQUIRE_PROBLEM(p,
                  "$.lessons[0].items[0].answer: expected the 0-based index of a right choice, "
                  "got \"x\" (the choices are numbered 0 to 1)");
}

TEST_CASE("a choice item with several right choices lists each once", "[packs][rules]") {
  json p = SmallPack();
  Item(p, 0)["answer"] = {0, 1};
  CHECK(ParsePack(p.dump()).ok());
  Item(p, 0)["answer"] = json::array();
  REQUIRE_PROBLEM(p,
                  "$.lessons[0].items[0].answer: no right choice: give the index of at least one");
  Item(p, 0)["answer"] = {0, 0, 5};
  REQUIRE_PROBLEM(p, "$.lessons[0].items[0].answer[1]: choice 0 is listed twice");
  REQUIRE_PROBLEM(p,
                  "$.lessons[0].items[0].answer[2]: choice 5 does not exist (the choices are "
                  "numbered 0 to 1)");
}

TEST_CASE("a choice is a text or a text with its own feedback", "[packs][rules]") {
  json p = SmallPack();
  Item(p, 0)["choices"] = json::parse(R"([{"txt": "x"}, 5, "a [,] b"])");
  REQUIRE_PROBLEM(p,
                  "$.lessons[0].items[0].choices[0].txt: unknown field (did you mean \"text\"?)");
  REQUIRE_PROBLEM(p, "$.lessons[0].items[0].choices[0].text: missing");
  REQUIRE_PROBLEM(p,
                  "$.lessons[0].items[0].choices[1]: expected text, or {\"text\": ..., "
                  "\"feedback\": ...}, got 5");
  REQUIRE_PROBLEM(p,
                  "$.lessons[0].items[0].choices[2]: a choice must not contain \"[,]\" (it "
                  "separates the choices of a response)");
}

TEST_CASE("a numeric answer must be a number", "[packs][rules]") {
  json p = SmallPack();
  Item(p, 1)["answer"] = "6";
  REQUIRE_PROBLEM(
      p, "$.lessons[0].items[1].answer: expected a number, got \"6\" (write it without quotes)");
  Item(p, 1)["answer"] = true;
  REQUIRE_PROBLEM(p, "$.lessons[0].items[1].answer: expected a number, got true");
}

TEST_CASE("a numeric tolerance cannot be negative", "[packs][rules]") {
  json p = SmallPack();
  Item(p, 1)["tolerance"] = -0.5;
  REQUIRE_PROBLEM(p, "$.lessons[0].items[1].tolerance: must be 0 or more, got -0.5");
}

TEST_CASE("unit aliases need a unit", "[packs][rules]") {
  json p = SmallPack();
  Item(p, 1)["unit_aliases"] = {"centimeters"};
  REQUIRE_PROBLEM(p,
                  "$.lessons[0].items[1].unit_aliases: other spellings of the unit need the unit "
                  "itself: add \"unit\"");
}

TEST_CASE("a text item needs at least one accepted answer", "[packs][rules]") {
  json p = SmallPack();
  Item(p, 2)["answer"] = json::array();
  REQUIRE_PROBLEM(p,
                  "$.lessons[0].items[2].answer: no accepted answers: give the accepted answer, "
                  "or a list of them");
  Item(p, 2)["answer"] = {"3/8", "  "};
  REQUIRE_PROBLEM(p, "$.lessons[0].items[2].answer[1]: expected text, got nothing but spaces");
  Item(p, 2)["answer"] = 5;
  REQUIRE_PROBLEM(p,
                  "$.lessons[0].items[2].answer: expected the accepted answer (text), or a list "
                  "of them, got 5");
}

TEST_CASE("fields of another type of item are refused", "[packs][rules]") {
  json p = SmallPack();
  Item(p, 1)["choices"] = {"x", "y"};
  Item(p, 2)["tolerance"] = 0.1;
  Item(p, 0)["unit"] = "cm";
  REQUIRE_PROBLEM(p, "$.lessons[0].items[1].choices: only choice items have choices");
  REQUIRE_PROBLEM(p, "$.lessons[0].items[2].tolerance: only numeric items have a tolerance");
  REQUIRE_PROBLEM(p, "$.lessons[0].items[0].unit: only numeric items have a unit");
}

TEST_CASE("numbers out of range are refused with the range", "[packs][rules]") {
  json p = SmallPack();
  Item(p, 0)["difficulty"] = 6;
  p["lessons"][0]["minutes"] = 601;
  Item(p, 1)["difficulty"] = 2.5;
  REQUIRE_PROBLEM(p, "$.lessons[0].items[0].difficulty: 6 is out of range (from 1 to 5)");
  REQUIRE_PROBLEM(p, "$.lessons[0].minutes: 601 is out of range (from 0 to 600)");
  REQUIRE_PROBLEM(p,
                  "$.lessons[0].items[1].difficulty: expected a whole number from 1 to 5, got 2.5");
}

TEST_CASE("an item has at most 10 hints", "[packs][rules]") {
  json p = SmallPack();
  Item(p, 0)["hints"] = json::array();
  for (int i = 0; i < 11; ++i) Item(p, 0)["hints"].push_back("h");
  REQUIRE_PROBLEM(p, "$.lessons[0].items[0].hints: at most 10 entries, got 11");
}

TEST_CASE("feedback has only correct and incorrect", "[packs][rules]") {
  json p = SmallPack();
  Item(p, 0)["feedback"] = {{"wrong", "no"}};
  REQUIRE_PROBLEM(p,
                  "$.lessons[0].items[0].feedback.wrong: unknown field (expected one of: "
                  "correct, incorrect)");
}

TEST_CASE("an item larger than 60 KiB once stored is refused", "[packs][rules]") {
  json p = SmallPack();
  // Control characters are stored escaped, six bytes each.
  Item(p, 0)["prompt"] = std::string(2000, '\x01');
  Item(p, 0)["hints"] = json::array();
  for (int i = 0; i < 10; ++i) Item(p, 0)["hints"].push_back(std::string(1000, '\x01'));
  REQUIRE_PROBLEM(p, "$.lessons[0].items[0]: the item is larger than 60 KiB");
}

TEST_CASE("every problem is reported, under a heading that counts them", "[packs][rules]") {
  json p = SmallPack();
  p.erase("license");
  Item(p, 0)["answer"] = 7;
  Item(p, 1)["tolerance"] = -1;
  Result<Pack> parsed = ParsePack(p.dump());
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().message() ==
        "the pack has 3 problems:\n"
        "  $.license: missing\n"
        "  $.lessons[0].items[0].answer: choice 7 does not exist (the choices are numbered 0 to "
        "1)\n"
        "  $.lessons[0].items[1].tolerance: must be 0 or more, got -1");

  SECTION("past 100, the rest are counted") {
    json q = SmallPack();
    for (int i = 0; i < 120; ++i) q["lessons"][0]["items"].push_back(Item(q, 0));
    std::vector<std::string> problems = Problems(q);
    REQUIRE(problems.size() == 101);
    CHECK(problems.back() == "... and 20 more (fix these first)");
  }
}

TEST_CASE("a hostile file's deep nesting is reported, not followed", "[packs][rules]") {
  std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
  std::string text = SmallPack().dump();
  text.replace(text.find("\"P\""), 3, deep);  // the title
  std::vector<std::string> problems = ProblemsOfText(text);
  CHECK(problems == std::vector<std::string>{"$.title: expected text, got a list of 1 entry"});
}

}  // namespace
}  // namespace cairn::packs_testing
