// Groups for small-group instruction: choose skills, see the suggested groups,
// move students between them, and give a group (or one student) a lesson.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "cairn/gui/groups.h"

namespace cairn::gui {

class GroupsView {
 public:
  void Reload(AppContext& ctx);
  void Draw(AppContext& ctx);

 private:
  void DrawPlan(AppContext& ctx);
  void DrawStudents(AppContext& ctx, const std::vector<std::string>& learners);
  void DrawAssign(AppContext& ctx, size_t group);

  std::optional<Curriculum> curriculum_;
  std::vector<std::string> chosen_;  // competencies
  std::optional<GroupPlan> plan_;
  std::vector<LessonInfo> lessons_;
  std::vector<std::string> lesson_titles_;
  std::vector<size_t> lesson_of_;  // per group: index into lessons_
  std::string moving_;             // the student picked up to move
  std::string message_, error_;
};

}  // namespace cairn::gui
