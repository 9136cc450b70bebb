// The learner profile as a teacher reads it.
#include "cairn/agent/profile.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "learning/learning_world.h"

namespace cairn {
namespace {

using testing::LearningWorld;
using testing::Must;

TEST_CASE("the profile lists strengths, needs, interests, goals and feedback as a teacher expects",
          "[profile]") {
  LearningWorld w;
  w.Learner("ben", "Ben");
  w.Master("ben", "frac.name");
  w.Struggle("ben", "place.value");
  // An assigned lesson whose prerequisite Ben has not mastered.
  w.Put("assignment", {{"assignment", "a1"},
                       {"teacher", "t.rivera"},
                       {"lesson", "frac.compare.lesson"},
                       {"learners", {"ben"}},
                       {"active", true}});
  w.Put("profile", {{"learner", "ben"},
                    {"interests", {"dinosaurs", "building things"}},
                    {"motivations", {"beating his own score"}}});
  w.Put("goal", {{"goal", "g1"},
                 {"learner", "ben"},
                 {"text", "Know my fourths and eighths"},
                 {"competencies", {"frac.name", "frac.equivalent"}},
                 {"status", "active"}});
  w.Put("goal_checkin", {{"learner", "ben"}, {"goal", "g1"}, {"rating", 4}, {"progress", 40}});
  w.Put("observation", {{"teacher", "t.rivera"},
                        {"learners", {"ben"}},
                        {"competency", "frac.name"},
                        {"level", 3},
                        {"modality", "small_group"},
                        {"note", "Named every strip correctly"}});

  LearnerProfile p = Must(BuildLearnerProfile(w.store(), "ben"));
  CHECK(p.name == "Ben");
  REQUIRE(p.strengths.size() == 1);
  CHECK(p.strengths[0].competency == "frac.name");
  REQUIRE(p.badges.size() == 1);
  CHECK(p.badges[0].title == "Naming fractions");

  REQUIRE(p.needs.size() == 2);
  CHECK(p.needs[0].estimate.competency == "place.value");  // stuck comes first
  CHECK(p.needs[0].stuck);
  CHECK(p.needs[0].reason.find("stuck: 8 attempts, 0 correct") != std::string::npos);
  CHECK(p.needs[1].estimate.competency == "frac.equivalent");
  CHECK(!p.needs[1].stuck);
  CHECK(p.needs[1].for_lessons == std::vector<std::string>{"frac.compare.lesson"});
  CHECK(p.needs[1].reason.find("prerequisite of assigned Comparing fractions practice") !=
        std::string::npos);

  CHECK(p.interests == std::vector<std::string>{"dinosaurs", "building things"});
  CHECK(p.motivations == std::vector<std::string>{"beating his own score"});
  REQUIRE(p.goals.size() == 1);
  CHECK(p.goals[0].progress == 40);
  CHECK(p.goals[0].competencies_mastered == 1);
  REQUIRE(p.goals[0].checkins.size() == 1);
  CHECK(p.goals[0].checkins[0].rating == 4);
  REQUIRE(p.feedback.size() == 1);
  CHECK(p.feedback[0].note == "Named every strip correctly");
  CHECK(RubricLevelName(p.feedback[0].level) == "proficient");

  nlohmann::json j = ProfileToJson(p);
  CHECK(j["strengths"][0]["title"] == "Naming fractions");
  CHECK(j["needs"][0]["stuck"] == true);
  CHECK(j["goals"][0]["progress"] == 40);
}

TEST_CASE("a learner with no evidence has no strengths and no needs", "[profile]") {
  LearningWorld w;
  w.Learner("dev", "Dev");
  LearnerProfile p = Must(BuildLearnerProfile(w.store(), "dev"));
  CHECK(p.strengths.empty());
  CHECK(p.needs.empty());
  CHECK(p.goals.empty());
  CHECK(!BuildLearnerProfile(w.store(), "nobody").ok());
}

}  // namespace
}  // namespace cairn
