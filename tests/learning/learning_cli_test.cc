// The learning views through the real cairnctl, as a teacher and a student use
// them: profile, next (and choosing), class report with flags and groups.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cairnctl_runner.h"

namespace cairn::testing {
namespace {

std::string MathPack() {
  const char* root = std::getenv("CAIRN_SOURCE_DIR");
  return std::string(root ? root : CAIRN_SOURCE_DIR_DEFAULT) +
         "/content/math-fractions-place-value.en.json";
}

void Ok(const CairnctlHome& cairnctl, const std::vector<std::string>& args) {
  Run r = cairnctl(args);
  INFO(args[0] << ": " << r.err);
  REQUIRE(r.status == 0);
}

// Room 12 with the sample math pack: Ada answers eight place-value questions
// right, Ben eight wrong, Cy has done nothing yet.
void Classroom(const CairnctlHome& cairnctl) {
  Ok(cairnctl, {"init", "--standalone", "--school", "Riverside Elementary"});
  Ok(cairnctl, {"teacher", "add", "Ms Rivera", "--id", "rivera"});
  Ok(cairnctl, {"class", "add", "Room 12", "--id", "room12", "--teacher", "rivera"});
  for (const char* name : {"Ada", "Ben", "Cy"}) {
    std::string id = name;
    id[0] = static_cast<char>(id[0] - 'A' + 'a');
    Ok(cairnctl, {"learner", "add", name, "--id", id, "--class", "Room 12"});
  }
  Ok(cairnctl, {"pack", "import", MathPack()});
  for (int i = 1; i <= 8; ++i) {
    std::string item = "math.pv.hundreds.0" + std::to_string(i);
    Ok(cairnctl, {"record", "attempt", "Ada", item, "--correct"});
    Ok(cairnctl, {"record", "attempt", "Ben", item, "--wrong"});
  }
}

TEST_CASE("a student's mastered competency shows as a strength with a dated badge", "[learning]") {
  CairnctlHome cairnctl;
  Classroom(cairnctl);
  Run profile = cairnctl({"profile", "Ada"});
  INFO(profile.out << profile.err);
  REQUIRE(profile.status == 0);
  CHECK_THAT(LineWith(profile.out, "strengths"), Catch::Contains("Place value to 1,000"));
  CHECK_THAT(LineWith(profile.out, "badges"),
             Catch::Contains("* Place value to 1,000, earned 20"));  // a date: 20YY-MM-DD
  CHECK_THAT(LineWith(profile.out, "needs"), Catch::Contains("(none)"));

  Run json = cairnctl({"profile", "ada", "--json"});
  REQUIRE(json.status == 0);
  nlohmann::json p = nlohmann::json::parse(json.out);
  REQUIRE(p["badges"].size() == 1);
  CHECK(p["badges"][0]["competency"] == "math.pv.hundreds");
  CHECK(p["badges"][0]["earned_ms"].get<int64_t>() > 0);
}

TEST_CASE("next offers what the mastered prerequisites unlock, and the student's choice is kept",
          "[learning]") {
  CairnctlHome cairnctl;
  Classroom(cairnctl);
  Run next = cairnctl({"next", "Ada"});
  INFO(next.out << next.err);
  REQUIRE(next.status == 0);
  CHECK_THAT(next.out, Catch::Contains("1 competency mastered"));
  CHECK_THAT(LineWith(next.out, "(math.pv.compare)"),
             Catch::Contains("prerequisites mastered: Place value to 1,000"));
  // Place value to 10,000 needs expanded form first: not offered yet.
  CHECK(next.out.find("(math.pv.thousands)") == std::string::npos);
  // Lessons of different difficulty are predicted differently, not all alike.
  CHECK(LineWith(next.out, "[1]").substr(LineWith(next.out, "[1]").find("likely")) !=
        LineWith(next.out, "[2]").substr(LineWith(next.out, "[2]").find("likely")));

  std::string option = LineWith(next.out, "(math.pv.compare.practice)");
  REQUIRE(option.find('[') != std::string::npos);
  std::string number = option.substr(option.find('[') + 1, option.find(']') - option.find('[') - 1);
  Run choose = cairnctl({"next", "Ada", "--choose", number});
  INFO(choose.err);
  REQUIRE(choose.status == 0);
  CHECK_THAT(choose.out, Catch::Contains("Ada chose Which is more?"));
  CHECK_THAT(LineWith(cairnctl({"next", "Ada"}).out, "(math.pv.compare.practice)"),
             Catch::EndsWith("started"));

  Run bad = cairnctl({"next", "Ada", "--choose", "99"});
  CHECK(bad.status == 1);
  CHECK_THAT(bad.err, Catch::Contains("'99' is not one of the options offered to Ada"));
  Run nobody = cairnctl({"next", "Nobody"});
  CHECK(nobody.status == 1);
  CHECK_THAT(nobody.err, Catch::Contains("no learner with id or name 'Nobody'"));
}

TEST_CASE("the class report flags who is stuck and who is quiet, and groups similar needs",
          "[learning]") {
  CairnctlHome cairnctl;
  Classroom(cairnctl);
  Run report = cairnctl(
      {"class-report", "Room 12", "--group", "math.pv.hundreds", "--min", "1", "--max", "2"});
  INFO(report.out << report.err);
  REQUIRE(report.status == 0);
  CHECK_THAT(report.out, Catch::Contains("Room 12  [room12]: 3 students x 1 competency"));
  CHECK_THAT(LineWith(report.out, "  Ada "), Catch::Contains("#"));
  CHECK_THAT(LineWith(report.out, "  Ben "), Catch::Contains("!  stuck on math.pv.hundreds"));
  CHECK_THAT(LineWith(report.out, "  Cy "), Catch::Contains("no evidence yet"));
  CHECK_THAT(LineWith(report.out, "Group 1"), Catch::Contains("Ben, Cy"));
  CHECK_THAT(report.out, Catch::Contains("Ready to move on (mastered all): Ada"));

  Run json = cairnctl({"class-report", "room12", "--json"});
  REQUIRE(json.status == 0);
  nlohmann::json r = nlohmann::json::parse(json.out);
  CHECK(r["students"].size() == 3);

  Run bounds = cairnctl(
      {"class-report", "room12", "--group", "math.pv.hundreds", "--min", "3", "--max", "2"});
  CHECK(bounds.status == 2);
  CHECK_THAT(bounds.err, Catch::Contains("--max (2) must be at least --min (3)"));
  Run missing = cairnctl({"class-report", "Room 99"});
  CHECK(missing.status == 1);
  CHECK_THAT(missing.err, Catch::Contains("no class with id or name 'Room 99'"));
}

}  // namespace
}  // namespace cairn::testing
