// A learner profile, assembled from the store: what the learner has mastered,
// where they need help, what they like and aim for, what teachers said lately,
// and the badges their mastery earned. Derived, never stored: every replica with
// the same ops assembles the same profile.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/agent/hlc.h"
#include "cairn/agent/learning.h"
#include "cairn/agent/mastery.h"
#include "cairn/agent/store.h"
#include "cairn/platform/status.h"

namespace cairn {

struct ProfileOptions {
  MasteryOptions mastery;
  StuckRule stuck;
  size_t recent_feedback = 5;  // latest observations shown
};

// A gap: a competency the learner is stuck on, or a prerequisite of an assigned
// lesson they have not mastered.
struct ProfileNeed {
  MasteryEstimate estimate;
  std::string title;
  bool stuck = false;
  std::vector<std::string> for_lessons;  // assigned lessons that need it first
  std::string reason;                    // "stuck: 8 attempts, 3 correct, 22% likely mastered"
};

struct GoalCheckIn {
  Hlc when = 0;
  int rating = 0;     // 1–5, 0 when not given
  int progress = -1;  // percent, -1 when not given
  std::string reflection;
};

struct ProfileGoal {
  std::string id;
  std::string text;
  std::string status;  // active, achieved, dropped
  std::string target_date;
  std::vector<std::string> competencies;
  int competencies_mastered = 0;
  std::vector<GoalCheckIn> checkins;  // oldest first, retracted ones left out
  int progress = -1;                  // the latest check-in's percent, -1 when none said
};

// A teacher observation with what the teacher wrote.
struct ProfileFeedback {
  Hlc when = 0;
  std::string teacher;
  std::string competency;
  std::string title;
  int level = 0;  // 1 beginning … 4 advanced
  std::string modality;
  std::string note;
};

// Earned by mastering a competency; `earned` is the evidence with which it was
// first mastered.
struct ProfileBadge {
  std::string competency;
  std::string title;
  Hlc earned = 0;
};

struct LearnerProfile {
  std::string learner;
  std::string name;
  std::vector<MasteryEstimate> strengths;    // mastered, by competency id
  std::vector<ProfileNeed> needs;            // stuck first, then by competency id
  std::vector<MasteryEstimate> in_progress;  // started, neither mastered nor a need
  std::vector<std::string> interests, motivations, preferences, languages;
  std::string about;
  std::vector<ProfileGoal> goals;             // active first, then by id
  std::vector<ProfileFeedback> feedback;      // newest first
  std::vector<ProfileBadge> badges;           // one per strength
  std::map<std::string, std::string> titles;  // of every competency named above
};

// The profile of `learner` (an id). kNotFound when the store has no such learner.
Result<LearnerProfile> BuildLearnerProfile(const Store& store, std::string_view learner,
                                           const ProfileOptions& options = {});
// The same from data already read (the class report and benchmarks share it).
LearnerProfile AssembleLearnerProfile(const nlohmann::json& learner_record,
                                      const nlohmann::json& profile_record,
                                      const std::vector<nlohmann::json>& goals,
                                      const std::vector<AssignmentInfo>& assignments,
                                      const Curriculum& curriculum, const LearnerData& data,
                                      const ProfileOptions& options);

// {"learner", "name", "strengths": [...], "needs": [...], ...} for programs.
nlohmann::json ProfileToJson(const LearnerProfile& profile);

// "beginning", "developing", "proficient", "advanced" (level 1–4), else "?".
std::string_view RubricLevelName(int level);

}  // namespace cairn
