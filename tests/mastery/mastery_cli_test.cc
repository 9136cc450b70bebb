// `cairnctl mastery` and `cairnctl model` as a teacher or an admin runs them.
#include <catch2/catch.hpp>

#include "cli/cairnctl_runner.h"

namespace cairn::testing {
namespace {

const char* kPack = R"({
  "id": "t-frac", "version": "1", "title": "Fractions", "language": "en",
  "license": "CC-BY-4.0",
  "competencies": [
    {"id": "t.unit", "title": "Unit fractions"},
    {"id": "t.name", "title": "Naming fractions"}
  ],
  "lessons": [
    {"id": "t.parts", "title": "Parts", "competencies": ["t.unit"],
     "items": [
       {"id": "t.parts.1", "type": "numeric", "prompt": "1/2 of 4?", "answer": 2},
       {"id": "t.parts.2", "type": "numeric", "prompt": "1/4 of 8?", "answer": 2}
     ]}
  ]
})";

// A standalone classroom with the pack, Ada, and a teacher.
void SetUp(const CairnctlHome& home) {
  REQUIRE(home({"init", "--standalone", "--school", "Hill School"}).status == 0);
  REQUIRE(home({"pack", "import", home.WriteFile("pack.json", kPack).string()}).status == 0);
  REQUIRE(home({"learner", "add", "Ada", "--id", "ada"}).status == 0);
  REQUIRE(home({"teacher", "add", "Ms Rivera", "--id", "rivera"}).status == 0);
}

TEST_CASE("cairnctl mastery shows each competency's state, probability and why", "[mastery]") {
  CairnctlHome home;
  SetUp(home);
  Run none = home({"mastery", "Ada"});
  CHECK(none.status == 0);
  CHECK(none.out.find("no evidence yet (2 competencies not started; --all lists them)") !=
        std::string::npos);

  for (const char* item : {"t.parts.1", "t.parts.2", "t.parts.1"}) {
    REQUIRE(home({"record", "attempt", "Ada", item, "--correct"}).status == 0);
  }
  REQUIRE(home({"record", "observation", "--teacher", "rivera", "--competency", "t.unit", "--level",
                "3", "--modality", "small_group", "Ada"})
              .status == 0);
  Run r = home({"mastery", "Ada"});
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  std::string line = LineWith(r.out, "Unit fractions (t.unit)");
  CHECK(line.find("mastered") != std::string::npos);
  CHECK(r.out.find("3 of 3 answers correct; observed Proficient on ") != std::string::npos);
  CHECK(r.out.find("in a small group; ") != std::string::npos);
  CHECK(r.out.find("(1 competency not started; --all lists them)") != std::string::npos);

  SECTION("--all lists the competencies not started, and --json is for programs") {
    Run all = home({"mastery", "Ada", "--all"});
    CHECK(LineWith(all.out, "Naming fractions (t.name)").find("not started") != std::string::npos);
    Run json = home({"mastery", "Ada", "--json"});
    CHECK(json.out.find("\"state\": \"mastered\"") != std::string::npos);
  }
  SECTION("the threshold is the teacher's to set") {
    Run strict = home({"mastery", "Ada", "--threshold", "0.999"});
    CHECK(LineWith(strict.out, "Unit fractions").find("in progress") != std::string::npos);
    CHECK(home({"mastery", "Ada", "--threshold", "2"}).status == 2);
  }
  SECTION("an unknown learner is a clear error") {
    Run nobody = home({"mastery", "Zed"});
    CHECK(nobody.status == 1);
    CHECK(nobody.err.find("no learner with id or name 'Zed'") != std::string::npos);
  }
}

TEST_CASE("cairnctl model fit keeps the defaults until there is enough evidence", "[mastery]") {
  CairnctlHome home;
  SetUp(home);
  REQUIRE(home({"record", "attempt", "Ada", "t.parts.1", "--wrong"}).status == 0);
  Run fit = home({"model", "fit"});
  INFO(fit.out << fit.err);
  CHECK(fit.status == 0);
  CHECK(fit.out.find("Fitted 0 competencies from 1 attempt and 0 observations of 1 learner.") !=
        std::string::npos);
  CHECK(fit.out.find("Too little evidence yet") != std::string::npos);
  Run show = home({"model", "show"});
  CHECK(show.out.find("No fitted parameters yet: the defaults apply") != std::string::npos);
}

}  // namespace
}  // namespace cairn::testing
