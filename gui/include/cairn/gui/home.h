// A student's home screen: my next steps and my competencies, read from the
// agent's learning path (path.h) and learner profile (profile.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cairn/agent/hlc.h"
#include "cairn/agent/path.h"
#include "cairn/agent/store.h"
#include "cairn/platform/status.h"

namespace cairn::gui {

struct NextStep {
  bool assigned = false;  // a teacher's assignment (these come first)
  std::string lesson;
  std::string title;
  std::string competency_title;  // what it works on ("" for assignments)
  std::string due;               // YYYY-MM-DD or ""
  int minutes = 0;
  bool started = false;
  PathLesson path_lesson;  // as the agent offered it
};

enum class CompetencyStatus { kLocked, kAvailable, kInProgress, kMastered };

struct CompetencyCard {
  std::string id;
  std::string title;
  CompetencyStatus status = CompetencyStatus::kAvailable;
  double p_mastered = 0;
  Hlc badge_earned = 0;                  // mastered: when the badge was earned
  std::vector<std::string> waiting_for;  // locked: titles of prerequisites not mastered yet
};

struct HomeData {
  std::string learner;
  std::string name;
  // Assignments first, then lessons started and not completed, then lessons to
  // choose from the path; each lesson once.
  std::vector<NextStep> steps;
  std::vector<CompetencyCard> competencies;  // mastered, in progress, available, locked
  size_t mastered = 0;
};

// kNotFound when the store has no such learner.
Result<HomeData> LoadHome(const Store& store, std::string_view learner);

// Records the learner choosing `step`: an `activity` op, "started" for a lesson
// not begun yet (the agent's RecordChoice), else "resumed".
Status ChooseStep(Store& store, std::string_view learner, const NextStep& step);

}  // namespace cairn::gui
