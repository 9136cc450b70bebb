// The personal learning path: what a learner is offered next, and their choice.
#include "cairn/agent/path.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "learning/learning_world.h"

namespace cairn {
namespace {

using testing::LearningWorld;
using testing::Must;

std::vector<std::string> Ready(const LearningPath& path) {
  std::vector<std::string> out;
  for (const PathStep& s : path.ready) out.push_back(s.estimate.competency);
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("prerequisites unlock in order as the learner shows mastery", "[path]") {
  LearningWorld w;
  w.Learner("ada", "Ada");
  LearningPath path = Must(BuildLearningPath(w.store(), "ada"));
  CHECK(Ready(path) == std::vector<std::string>{"frac.name", "place.value"});
  CHECK(path.locked == 2);

  w.Master("ada", "frac.name");
  path = Must(BuildLearningPath(w.store(), "ada"));
  CHECK(Ready(path) == std::vector<std::string>{"frac.equivalent", "place.value"});
  CHECK(path.mastered == 1);

  // Progress toward it is not enough: only mastery unlocks the next one.
  w.Answer("ada", "frac.equivalent", 2, true);
  path = Must(BuildLearningPath(w.store(), "ada"));
  CHECK(Ready(path) == std::vector<std::string>{"frac.equivalent", "place.value"});
  CHECK(path.ready.front().estimate.competency == "frac.equivalent");  // started comes first

  w.Master("ada", "frac.equivalent");
  path = Must(BuildLearningPath(w.store(), "ada"));
  CHECK(Ready(path) == std::vector<std::string>{"frac.compare", "place.value"});
  CHECK(path.locked == 0);
}

TEST_CASE("every ready competency offers its lessons with the model's predicted success",
          "[path]") {
  LearningWorld w;
  w.Learner("ada", "Ada");
  LearningPath path = Must(BuildLearningPath(w.store(), "ada"));
  REQUIRE(!path.ready.empty());
  const PathStep& step = path.ready.front();
  REQUIRE(step.lessons.size() == 1);
  CHECK(step.lessons[0].lesson == step.estimate.competency + ".lesson");
  CHECK(step.lessons[0].predicted > 0);
  CHECK(step.lessons[0].predicted < 1);
  CHECK(!step.lessons[0].fit.empty());
  CHECK(step.lessons[0].option == 1);
}

TEST_CASE("teacher assignments come first, for the learner or a group they are in", "[path]") {
  LearningWorld w;
  w.Learner("ada", "Ada");
  w.Learner("ben", "Ben");
  w.Put("assignment", {{"assignment", "a1"},
                       {"teacher", "t.rivera"},
                       {"lesson", "frac.compare.lesson"},
                       {"learners", {"ada"}},
                       {"due", "2026-12-01"},
                       {"active", true}});
  w.Put("group", {{"group", "g1"}, {"class", "room12"}, {"members", {"ada", "ben"}}});
  w.Put("assignment", {{"assignment", "a2"},
                       {"teacher", "t.rivera"},
                       {"lesson", "place.value.lesson"},
                       {"group", "g1"},
                       {"active", true}});
  w.Put("assignment", {{"assignment", "a3"},
                       {"teacher", "t.rivera"},
                       {"lesson", "frac.name.lesson"},
                       {"learners", {"ada"}},
                       {"active", false}});

  LearningPath ada = Must(BuildLearningPath(w.store(), "ada"));
  REQUIRE(ada.assignments.size() == 2);
  CHECK(ada.assignments[0].assignment.id == "a1");  // dated first
  CHECK(ada.assignments[0].lesson.option == 1);
  CHECK(ada.assignments[1].assignment.id == "a2");
  CHECK(ada.assignments[1].assignment.group == "g1");
  CHECK(ada.assignments[1].lesson.option == 2);
  REQUIRE(!ada.ready.empty());
  CHECK(ada.ready.front().lessons.front().option == 3);  // the learner's own options follow

  LearningPath ben = Must(BuildLearningPath(w.store(), "ben"));
  REQUIRE(ben.assignments.size() == 1);
  CHECK(ben.assignments[0].assignment.id == "a2");
}

TEST_CASE("the learner's choice is recorded in the store as the lesson started", "[path]") {
  LearningWorld w;
  w.Learner("ada", "Ada");
  LearningPath path = Must(BuildLearningPath(w.store(), "ada"));
  const PathLesson* chosen = FindChoice(path, "place.value.lesson");
  REQUIRE(chosen != nullptr);
  CHECK(FindChoice(path, std::to_string(chosen->option)) == chosen);
  CHECK(FindChoice(path, "frac.compare.lesson") == nullptr);  // locked: not offered
  CHECK(FindChoice(path, "99") == nullptr);

  OpId id = Must(RecordChoice(w.store(), "ada", *chosen));
  std::vector<Evidence> evidence = Must(w.store().EvidenceFor("ada"));
  auto it = std::find_if(evidence.begin(), evidence.end(),
                         [&](const Evidence& e) { return e.op.id() == id; });
  REQUIRE(it != evidence.end());
  CHECK(it->op.kind == "activity");
  CHECK(it->op.body["lesson"] == "place.value.lesson");
  CHECK(it->op.body["event"] == "started");

  path = Must(BuildLearningPath(w.store(), "ada"));
  const PathLesson* again = FindChoice(path, "place.value.lesson");
  REQUIRE(again != nullptr);
  CHECK(again->started);
}

}  // namespace
}  // namespace cairn
