// The class report's grid and flags, and grouping for small-group instruction.
#include <algorithm>
#include <catch2/catch.hpp>

#include "cairn/agent/class_report.h"
#include "learning/learning_world.h"

namespace cairn {
namespace {

using testing::LearningWorld;
using testing::Must;

ClassReportOptions Options(const LearningWorld& w) {
  ClassReportOptions options;
  options.now_millis = const_cast<LearningWorld&>(w).clock().NowMillis();
  return options;
}

const std::vector<std::string>* GroupOf(const Grouping& g, const std::string& learner) {
  for (const SuggestedGroup& group : g.groups) {
    if (std::find(group.learners.begin(), group.learners.end(), learner) != group.learners.end()) {
      return &group.learners;
    }
  }
  return nullptr;
}

TEST_CASE("the class grid shows each student's state and flags the stuck and the quiet",
          "[grouping]") {
  LearningWorld w;
  w.Learner("ada", "Ada");
  w.Learner("ben", "Ben");
  w.Learner("cat", "Cat");
  w.Master("ada", "frac.name");
  w.Struggle("ben", "frac.name");
  ClassReport r = Must(BuildClassReport(w.store(), "room12", Options(w)));
  REQUIRE(r.students.size() == 3);
  CHECK(r.competencies == std::vector<std::string>{"frac.name"});
  CHECK(GridSymbol(r.students[0].cells[0], {}) == '#');
  CHECK(GridSymbol(r.students[1].cells[0], {}) == '!');
  CHECK(r.students[1].stuck_on == std::vector<std::string>{"frac.name"});
  CHECK(GridSymbol(r.students[2].cells[0], {}) == '.');
  CHECK(!r.students[0].quiet);
  CHECK(r.students[2].quiet);  // no evidence at all

  ClassReportOptions later = Options(w);
  later.now_millis += 15 * 86'400'000LL;
  r = Must(BuildClassReport(w.store(), "room12", later));
  CHECK(r.students[0].quiet);
}

TEST_CASE("groups respect the size bounds and put students with the same gaps together",
          "[grouping]") {
  LearningWorld w;
  // Eight students: four need frac.name and frac.equivalent, three only
  // frac.equivalent (two of them stuck on it), one has mastered both.
  for (const char* id : {"s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"}) w.Learner(id, id);
  for (const char* id : {"s5", "s6", "s7", "s8"}) w.Master(id, "frac.name");
  w.Struggle("s5", "frac.equivalent");
  w.Struggle("s6", "frac.equivalent");
  w.Master("s8", "frac.equivalent");
  ClassReport r = Must(BuildClassReport(w.store(), "room12", Options(w)));
  std::vector<std::string> on = {"frac.name", "frac.equivalent"};

  SECTION("within bounds the same gaps make one group each") {
    Grouping g = Must(SuggestGroups(r, on, {}, {2, 4}));
    REQUIRE(g.groups.size() == 2);
    CHECK(g.groups[0].learners == std::vector<std::string>{"s1", "s2", "s3", "s4"});
    CHECK(g.groups[1].learners == std::vector<std::string>{"s5", "s6", "s7"});
    CHECK(g.groups[1].reason == "all three have not mastered frac.equivalent; two are stuck on it");
    CHECK(g.groups[1].competencies == std::vector<std::string>{"frac.equivalent"});
    CHECK(g.ready == std::vector<std::string>{"s8"});
    CHECK(g.unplaced.empty());
  }
  SECTION("a group too big is split evenly, keeping the stuck together") {
    Grouping g = Must(SuggestGroups(r, on, {}, {1, 2}));
    for (const SuggestedGroup& group : g.groups) {
      CHECK(group.learners.size() >= 1);
      CHECK(group.learners.size() <= 2);
    }
    REQUIRE(GroupOf(g, "s5") != nullptr);
    CHECK(*GroupOf(g, "s5") == std::vector<std::string>{"s5", "s6"});
    CHECK(GroupOf(g, "s1") != GroupOf(g, "s5"));
  }
  SECTION("a group too small joins the most similar one") {
    Grouping g = Must(SuggestGroups(r, on, {}, {4, 8}));
    for (const SuggestedGroup& group : g.groups) {
      CHECK(group.learners.size() >= 4);
      CHECK(group.learners.size() <= 8);
    }
    CHECK(g.groups.size() == 1);
    CHECK(g.groups[0].reason.find("all seven have not mastered frac.equivalent") == 0);
  }
  SECTION("the same report always gives the same groups") {
    Grouping a = Must(SuggestGroups(r, on, {}, {2, 3}));
    Grouping b = Must(SuggestGroups(r, on, {}, {2, 3}));
    CHECK(GroupingToJson(a, r) == GroupingToJson(b, r));
    for (const SuggestedGroup& group : a.groups) {
      CHECK(group.learners.size() >= 2);
      CHECK(group.learners.size() <= 3);
    }
  }
  SECTION("bounds that make no sense are refused") {
    CHECK(!SuggestGroups(r, on, {}, {3, 2}).ok());
    CHECK(!SuggestGroups(r, {}, {}, {2, 3}).ok());
  }
}

}  // namespace
}  // namespace cairn
