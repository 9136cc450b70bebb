// What the learning views (learner profile, learning path, class report) share:
// the content graph they walk, the evidence and mastery of the learners they
// show, who is assigned what, and when a learner counts as stuck. All of it is
// derived from the store, never stored (DESIGN.md: derived data).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/agent/mastery.h"
#include "cairn/agent/store.h"
#include "cairn/platform/status.h"

namespace cairn {

struct CompetencyInfo {
  std::string id;
  std::string title;  // the id when the competency has none
  std::string pack;
  std::vector<std::string> prerequisites;
  bool retired = false;
};

struct LessonInfo {
  std::string id;
  std::string title;
  std::string pack;
  std::vector<std::string> competencies;
  std::vector<std::string> items;
  int minutes = 0;
  std::string modality;
  bool retired = false;
};

// The content in the store, indexed for the views. Maps are ordered by id, so
// everything built from them is deterministic.
struct Curriculum {
  std::map<std::string, CompetencyInfo, std::less<>> competencies;
  std::map<std::string, LessonInfo, std::less<>> lessons;
  // Lessons (ids, ordered) that work on each competency; retired lessons left out.
  std::map<std::string, std::vector<std::string>, std::less<>> lessons_for;

  // The competency's title, or `id` itself when the store does not know it.
  std::string TitleOf(std::string_view id) const;
};
Result<Curriculum> LoadCurriculum(const Store& store);

// Learners' evidence and the mastery model folded from it, read once.
struct LearnerData {
  MasteryModel model;
  // Each learner's latest evidence of any kind that still counts (0: none).
  std::map<std::string, Hlc, std::less<>> last_evidence;
  // Each learner's evidence ops in fold order (Store::EvidenceFor), retracted
  // included; read only when asked for (the profile and the path show check-ins,
  // feedback and lessons started; the class report needs none of it).
  std::map<std::string, std::vector<Evidence>, std::less<>> evidence;
};
// The model as LoadMasteryModel builds it (content, stored parameters) over the
// evidence of `learners`, and with `with_ops` the evidence ops themselves.
Result<LearnerData> LoadLearnerData(const Store& store, const MasteryOptions& options,
                                    const std::vector<std::string>& learners,
                                    bool with_ops = false);

// The strings of a record's list field (ids, interests...); other values and a
// missing or non-list field give none.
std::vector<std::string> StringList(const nlohmann::json& record, std::string_view field);

// The name a teacher knows a learner by: display name, else given and family
// name, else the id.
std::string LearnerName(const nlohmann::json& learner);

// A learner is stuck on a competency after many attempts with little progress.
struct StuckRule {
  int min_attempts = 6;  // counted attempts (and observations) before it can be said
  double below = 0.5;    // P(mastered) still under this
};
bool IsStuck(const MasteryEstimate& estimate, const StuckRule& rule);

// An active teacher assignment that reaches a learner.
struct AssignmentInfo {
  std::string id;
  std::string lesson;
  std::string due;    // YYYY-MM-DD or empty
  std::string group;  // the group it reached the learner through, or empty
};
// Active assignments naming `learner`, or a non-archived group they are a member
// of; by due date (undated last), then id.
Result<std::vector<AssignmentInfo>> AssignmentsFor(const Store& store, std::string_view learner);

}  // namespace cairn
