// The standalone classroom, end to end through the real cairnctl.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/cairnctl_runner.h"

namespace cairn::testing {
namespace {

using nlohmann::json;

// The text between `open` and the next ')' in `out`: "(id ada-7f3k)" -> "ada-7f3k".
std::string Between(const std::string& out, const std::string& open) {
  size_t start = out.find(open);
  if (start == std::string::npos) return "";
  start += open.size();
  return out.substr(start, out.find(')', start) - start);
}

std::string SourceFile(const std::string& relative) {
  const char* root = std::getenv("CAIRN_SOURCE_DIR");
  return std::string(root ? root : CAIRN_SOURCE_DIR_DEFAULT) + "/" + relative;
}

// Sets up a school, a teacher, a class with two learners, and the sample pack.
void SetUpClassroom(const CairnctlHome& cairnctl) {
  REQUIRE(cairnctl({"init", "--standalone", "--school", "Riverside Elementary"}).status == 0);
  REQUIRE(cairnctl({"teacher", "add", "Ms Rivera", "--id", "rivera"}).status == 0);
  REQUIRE(
      cairnctl({"class", "add", "Room 12", "--id", "room12", "--teacher", "Ms Rivera"}).status ==
      0);
  REQUIRE(cairnctl({"learner", "add", "Ada", "--id", "ada", "--class", "Room 12"}).status == 0);
  REQUIRE(cairnctl({"learner", "add", "Ben", "--id", "ben"}).status == 0);
  REQUIRE(cairnctl({"enroll", "Ben", "--class", "room12"}).status == 0);
  Run pack = cairnctl({"pack", "import", SourceFile("content/sample-fractions.json")});
  INFO(pack.err);
  REQUIRE(pack.status == 0);
}

TEST_CASE("a standalone classroom can be set up, recorded and reported from the command line",
          "[cli]") {
  CairnctlHome cairnctl;
  Run init = cairnctl({"init", "--standalone", "--school", "Riverside Elementary"});
  INFO(init.err);
  REQUIRE(init.status == 0);
  CHECK(init.out.find("Riverside Elementary") != std::string::npos);

  Run teacher = cairnctl({"teacher", "add", "Ms Rivera"});
  REQUIRE(teacher.status == 0);
  std::string teacher_id = Between(teacher.out, "(id ");
  CHECK(teacher_id.starts_with("ms-rivera-"));
  REQUIRE(cairnctl({"class", "add", "Room 12", "--grade", "3", "--teacher", teacher_id}).status ==
          0);
  Run ada = cairnctl({"learner", "add", "Ada", "--given", "Ada", "--family", "Okafor"});
  REQUIRE(ada.status == 0);
  std::string ada_id = Between(ada.out, "(id ");
  REQUIRE(cairnctl({"learner", "add", "Ben"}).status == 0);
  REQUIRE(cairnctl({"enroll", "Ada", "Ben", "--class", "Room 12"}).status == 0);
  REQUIRE(cairnctl({"pack", "import", SourceFile("content/sample-fractions.json")}).status == 0);

  Run right = cairnctl({"record", "attempt", "Ada", "frac.parts.1", "--correct", "--response",
                        "1/4", "--seconds", "12", "--hints", "1"});
  INFO(right.err);
  REQUIRE(right.status == 0);
  Run wrong = cairnctl({"record", "attempt", "Ada Okafor", "frac.same.4", "--wrong"});
  REQUIRE(wrong.status == 0);
  std::string wrong_op = Between(wrong.out, "(op ");
  REQUIRE(cairnctl({"record", "observation", "Ada", "Ben", "--teacher", "Ms Rivera", "--competency",
                    "Equivalent fractions", "--level", "3", "--modality", "small_group", "--note",
                    "Folded paper strips"})
              .status == 0);
  Run goal = cairnctl({"goal", "set", "Ada", "Compare fractions by myself", "--target-date",
                       "2026-12-18", "--competencies", "frac.compare"});
  REQUIRE(goal.status == 0);
  std::string goal_id = Between(goal.out, "Set goal ");
  goal_id = goal_id.substr(0, goal_id.find(' '));
  REQUIRE(cairnctl({"goal", "checkin", goal_id, "--rating", "4", "--progress", "50"}).status == 0);
  REQUIRE(cairnctl({"profile", "set", "Ada", "--interests", "football, drawing"}).status == 0);
  Run retract = cairnctl({"record", "retract", wrong_op, "--reason", "wrong learner"});
  INFO(retract.err);
  REQUIRE(retract.status == 0);

  SECTION("the learner's profile shows interests, goals, work and observations") {
    Run show = cairnctl({"learner", "show", "Ada"});
    REQUIRE(show.status == 0);
    CHECK(LineWith(show.out, "interests").find("football, drawing") != std::string::npos);
    CHECK(LineWith(show.out, "Compare fractions by myself").find("active") != std::string::npos);
    CHECK(LineWith(show.out, "Unit fractions").find("1 right, 0 wrong") != std::string::npos);
    CHECK(LineWith(show.out, "Comparing fractions (frac.compare)").empty());  // retracted
    CHECK(LineWith(show.out, "retracted").find("1 retracted answer") != std::string::npos);
    CHECK(LineWith(show.out, "level 3").find("with Ben") != std::string::npos);
  }
  SECTION("lists show the roster") {
    Run learners = cairnctl({"learner", "list"});
    CHECK(LineWith(learners.out, ada_id).find("Room 12") != std::string::npos);
    Run classes = cairnctl({"class", "list"});
    CHECK(LineWith(classes.out, "Room 12").find("Ms Rivera") != std::string::npos);
  }
  SECTION("the op log lists every op, as a table or as JSON lines") {
    Run ops = cairnctl({"ops", "--json"});
    REQUIRE(ops.status == 0);
    size_t lines = 0, attempts = 0;
    std::istringstream in(ops.out);
    for (std::string line; std::getline(in, line); ++lines) {
      json op = json::parse(line);
      CHECK(op["cursor"] == lines + 1);
      attempts += op["kind"] == "attempt";
    }
    CHECK(attempts == 2);
    Run page = cairnctl({"ops", "--since", "2", "--limit", "1"});
    REQUIRE(page.status == 0);
    CHECK(page.out.find("cairnctl ops --since 3") != std::string::npos);
  }
  SECTION("status and doctor report a healthy store") {
    Run status = cairnctl({"status"});
    REQUIRE(status.status == 0);
    CHECK(LineWith(status.out, "roster").find("2 learners") != std::string::npos);
    CHECK(LineWith(status.out, "mode").find("standalone") != std::string::npos);
    Run doctor = cairnctl({"doctor"});
    INFO(doctor.out);
    CHECK(doctor.status == 0);
    CHECK(doctor.out.find("PROBLEM") == std::string::npos);
  }
}

TEST_CASE("a learner's export holds their attempts, retracted ones marked", "[cli]") {
  CairnctlHome cairnctl;
  SetUpClassroom(cairnctl);
  REQUIRE(cairnctl({"record", "attempt", "ada", "frac.parts.2", "--correct", "--response", "6"})
              .status == 0);
  Run wrong = cairnctl({"record", "attempt", "ada", "frac.parts.3", "--wrong"});
  REQUIRE(cairnctl({"record", "retract", Between(wrong.out, "(op ")}).status == 0);
  REQUIRE(cairnctl({"record", "attempt", "ben", "frac.parts.2", "--wrong"}).status == 0);

  Run exported = cairnctl({"export", "Ada"});
  INFO(exported.err);
  REQUIRE(exported.status == 0);
  json record = json::parse(exported.out);
  CHECK(record["learner"]["learner"] == "ada");
  std::vector<json> attempts;
  for (const json& e : record["evidence"]) {
    if (e["kind"] == "attempt") attempts.push_back(e);
  }
  REQUIRE(attempts.size() == 2);  // Ben's attempt is not Ada's
  CHECK(attempts[0]["body"]["item"] == "frac.parts.2");
  CHECK(attempts[0]["body"]["response"] == "6");
  CHECK(attempts[0]["body"]["correct"] == true);
  CHECK(attempts[0]["body"]["lesson"] == "frac.parts");
  CHECK_FALSE(attempts[0].contains("retracted"));
  CHECK(attempts[1]["retracted"] == true);
}

TEST_CASE("records can be named by id or by an unambiguous display name", "[cli]") {
  CairnctlHome cairnctl;
  SetUpClassroom(cairnctl);
  REQUIRE(cairnctl({"learner", "add", "Sam", "--id", "sam-1"}).status == 0);
  REQUIRE(cairnctl({"learner", "add", "Sam", "--id", "sam-2"}).status == 0);

  Run ambiguous = cairnctl({"record", "attempt", "Sam", "frac.parts.1", "--correct"});
  CHECK(ambiguous.status == 1);
  CHECK(ambiguous.err.find("sam-1, sam-2") != std::string::npos);
  CHECK(ambiguous.err.find("use the id") != std::string::npos);
  CHECK(cairnctl({"record", "attempt", "sam-2", "frac.parts.1", "--correct"}).status == 0);

  Run missing = cairnctl({"record", "attempt", "Zoe", "frac.parts.1", "--correct"});
  CHECK(missing.status == 1);
  CHECK(missing.err.find("no learner with id or name 'Zoe'") != std::string::npos);
  Run taken = cairnctl({"learner", "add", "Another Ada", "--id", "ada"});
  CHECK(taken.status == 1);
  CHECK(taken.err.find("already exists") != std::string::npos);
}

}  // namespace
}  // namespace cairn::testing
