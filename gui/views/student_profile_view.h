// A teacher's view of one student: mastery, goals and check-ins, what teachers
// observed, next steps, and a lesson to assign.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "cairn/agent/path.h"
#include "cairn/agent/profile.h"

namespace cairn::gui {

class StudentProfileView {
 public:
  void Reload(AppContext& ctx);
  void Draw(AppContext& ctx);

 private:
  void DrawMastery(AppContext& ctx);
  void DrawRest(AppContext& ctx);

  std::optional<LearnerProfile> profile_;
  std::optional<LearningPath> path_;
  std::vector<LessonInfo> lessons_;
  std::vector<std::string> lesson_titles_;
  size_t pick_ = 0;
  std::string message_, error_;
};

}  // namespace cairn::gui
