// A learner's personal learning path: what to do next. Teacher assignments come
// first; then every competency the learner is ready for (all prerequisites
// mastered, itself not yet), each with lessons of fitting difficulty, among which
// the learner chooses. Progression is by mastery alone: as soon as the evidence
// shows a competency mastered, the ones that need it unlock. Derived, never stored.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/agent/learning.h"
#include "cairn/agent/mastery.h"
#include "cairn/agent/store.h"
#include "cairn/platform/status.h"

namespace cairn {

struct PathOptions {
  MasteryOptions mastery;
  // Lessons the model expects the learner to answer this often are a good fit:
  // hard enough to learn from, easy enough to keep going.
  double fit_low = 0.6;
  double fit_high = 0.85;
  size_t lessons_per_competency = 3;  // best fitting first
  size_t max_competencies = 6;        // ready competencies offered (in progress first)
};

// One lesson the learner may choose.
struct PathLesson {
  int option = 0;  // 1, 2, ...: what `cairnctl next --choose` takes
  std::string lesson;
  std::string title;
  int minutes = 0;
  double predicted = 0;  // mean P(correct) over its items (MasteryModel::PredictCorrect)
  std::string fit;       // "a good fit", "a stretch", "easy", "assigned"
  bool started = false;  // the learner already started or chose it
};

struct PathAssignment {
  AssignmentInfo assignment;
  PathLesson lesson;
};

struct PathStep {
  MasteryEstimate estimate;  // the competency's current state (not mastered)
  std::string title;
  std::string why;  // "prerequisites mastered: Naming fractions" or "no prerequisites"
  std::vector<PathLesson> lessons;
};

struct LearningPath {
  std::string learner;
  std::vector<PathAssignment> assignments;  // due date order
  std::vector<PathStep> ready;              // started ones first, then by depth and id
  size_t more_ready = 0;                    // ready competencies beyond max_competencies
  size_t mastered = 0;
  size_t locked = 0;  // not mastered, some prerequisite not mastered yet
};

// The path of `learner` (an id). kNotFound when the store has no such learner.
Result<LearningPath> BuildLearningPath(const Store& store, std::string_view learner,
                                       const PathOptions& options = {});
LearningPath AssembleLearningPath(std::string_view learner,
                                  const std::vector<AssignmentInfo>& assignments,
                                  const Curriculum& curriculum, const LearnerData& data,
                                  const PathOptions& options);

// The offered lesson whose option number or lesson id is `choice`; nullptr when
// the path does not offer it.
const PathLesson* FindChoice(const LearningPath& path, std::string_view choice);

// Records the learner's choice: an `activity` op, event "started", for the lesson.
Result<OpId> RecordChoice(Store& store, std::string_view learner, const PathLesson& lesson);

nlohmann::json PathToJson(const LearningPath& path);

}  // namespace cairn
