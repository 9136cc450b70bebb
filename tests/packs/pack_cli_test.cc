// The pack commands as a user runs them: `cairnctl pack validate`, `pack import`,
// and `record attempt` judging a response against its item.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/cairnctl_runner.h"
#include "packs/pack_testing.h"

namespace cairn::testing {
namespace {

using nlohmann::json;
using packs_testing::SourceDir;

std::string Content(const std::string& name) { return SourceDir() + "/content/" + name; }

TEST_CASE("every pack in content/ passes `cairnctl pack validate`", "[packs][cli]") {
  CairnctlHome cairnctl;
  size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SourceDir() + "/content")) {
    if (entry.path().extension() != ".json") continue;
    Run run = cairnctl({"pack", "validate", entry.path().string()});
    INFO(entry.path().string() << "\n" << run.err);
    CHECK(run.status == 0);
    CHECK(run.out.find("is a valid pack") != std::string::npos);
    ++checked;
  }
  CHECK(checked >= 4);
}

TEST_CASE("`pack validate` exits 2 and lists every problem of a bad pack", "[packs][cli]") {
  CairnctlHome cairnctl;
  json p = packs_testing::SmallPack();
  p["lessons"][0]["items"][0]["answer"] = 5;
  p["lessons"][0]["items"][1]["tolerance"] = -1;
  std::string file = cairnctl.WriteFile("bad.json", p.dump(2)).string();
  Run run = cairnctl({"pack", "validate", file});
  CHECK(run.status == 2);
  CHECK(run.out.empty());
  CHECK(run.err ==
        "cairnctl pack validate: " + file +
            ": the pack has 2 problems:\n"
            "  $.lessons[0].items[0].answer: choice 5 does not exist (the choices are numbered "
            "0 to 1)\n"
            "  $.lessons[0].items[1].tolerance: must be 0 or more, got -1\n");
  Run missing = cairnctl({"pack", "validate", (cairnctl.dir() / "nope.json").string()});
  CHECK(missing.status == 1);
  CHECK(missing.err.find("no pack file") != std::string::npos);
  // It needs no store, and creates none.
  CHECK_FALSE(std::filesystem::exists(cairnctl.store_file()));
}

TEST_CASE("a pack whose prerequisites go round in a circle is rejected at import", "[packs][cli]") {
  CairnctlHome cairnctl;
  REQUIRE(cairnctl({"init", "--standalone", "--school", "Riverside"}).status == 0);
  Run before = cairnctl({"ops", "--json"});
  json p = packs_testing::SmallPack();
  p["competencies"][0]["prerequisites"] = {"b"};
  Run run = cairnctl({"pack", "import", cairnctl.WriteFile("circle.json", p.dump()).string()});
  CHECK(run.status == 2);
  INFO(run.err);
  CHECK(run.err.find("  $.competencies[1].prerequisites[0]: prerequisites go round in a circle: "
                     "a needs b, which needs a\n") != std::string::npos);
  CHECK(run.err.find("Nothing was imported.") != std::string::npos);
  CHECK(cairnctl({"ops", "--json"}).out == before.out);
}

TEST_CASE("a newer version of a pack is imported over the old one, retiring what it dropped",
          "[packs][cli]") {
  CairnctlHome cairnctl;
  REQUIRE(cairnctl({"init", "--standalone", "--school", "Riverside"}).status == 0);
  json p = packs_testing::SmallPack();
  REQUIRE(cairnctl({"pack", "import", cairnctl.WriteFile("v1.json", p.dump()).string()}).status ==
          0);
  p["version"] = "2";
  p["lessons"][0]["items"].erase(2);
  Run v2 = cairnctl({"pack", "import", cairnctl.WriteFile("v2.json", p.dump()).string()});
  INFO(v2.err);
  REQUIRE(v2.status == 0);
  CHECK(v2.out.find("No longer in this version, kept and marked retired (their evidence still "
                    "counts): 0 competencies, 0 lessons, 1 item") != std::string::npos);
  Run list = cairnctl({"pack", "list"});
  std::string line = LineWith(list.out, "CC0-1.0");
  CHECK(line.starts_with("p "));
  CHECK(line.find("  2  ") != std::string::npos);
}

TEST_CASE("`record attempt` judges a response against its item when not told how it went",
          "[packs][cli]") {
  CairnctlHome cairnctl;
  REQUIRE(cairnctl({"init", "--standalone", "--school", "Riverside"}).status == 0);
  REQUIRE(cairnctl({"learner", "add", "Ada", "--id", "ada"}).status == 0);
  REQUIRE(cairnctl({"pack", "import", Content("sample-fractions.json")}).status == 0);

  Run right = cairnctl({"record", "attempt", "ada", "frac.parts.1", "--response", "1/4"});
  INFO(right.err);
  REQUIRE(right.status == 0);
  CHECK(right.out.find("answered frac.parts.1, judged correct (feedback: Yes: one of 4 equal "
                       "parts is 1/4.)") != std::string::npos);
  Run wrong = cairnctl({"record", "attempt", "ada", "frac.parts.2", "--response", "5"});
  REQUIRE(wrong.status == 0);
  CHECK(wrong.out.find("answered frac.parts.2, judged wrong") != std::string::npos);
  Run told = cairnctl({"record", "attempt", "ada", "frac.parts.2", "--wrong", "--response", "6"});
  REQUIRE(told.status == 0);
  CHECK(told.out.find("answered frac.parts.2, wrong (op") != std::string::npos);

  Run ops = cairnctl({"ops", "--json"});
  std::vector<bool> correct;
  std::istringstream in(ops.out);
  for (std::string line; std::getline(in, line);) {
    json op = json::parse(line);
    if (op["kind"] == "attempt") correct.push_back(op["body"]["correct"].get<bool>());
  }
  CHECK(correct == std::vector<bool>{true, false, false});
}

TEST_CASE("a Spanish pack's numeric answers are judged with a decimal comma", "[packs][cli]") {
  CairnctlHome cairnctl;
  REQUIRE(cairnctl({"init", "--standalone", "--school", "Escuela del Río"}).status == 0);
  REQUIRE(cairnctl({"learner", "add", "Lucía", "--id", "lucia"}).status == 0);
  std::string file = Content("math-fractions-place-value.es.json");
  REQUIRE(cairnctl({"pack", "import", file}).status == 0);
  // The first item with a decimal answer, and that answer written the Spanish way.
  std::ifstream in(file);
  json pack = json::parse(in);
  std::string item, response;
  for (const json& lesson : pack["lessons"]) {
    for (const json& i : lesson["items"]) {
      if (item.empty() && i["type"] == "numeric" && !i["answer"].is_number_integer()) {
        double a = i["answer"].get<double>();
        if (a > 0 && a < 1 && a * 10 == std::floor(a * 10)) {
          item = i["id"];
          response = "0," + std::to_string(static_cast<int>(a * 10));
        }
      }
    }
  }
  REQUIRE_FALSE(item.empty());
  Run right = cairnctl({"record", "attempt", "lucia", item, "--response", response});
  INFO(right.err);
  CHECK(right.out.find("judged correct") != std::string::npos);
}

}  // namespace
}  // namespace cairn::testing
