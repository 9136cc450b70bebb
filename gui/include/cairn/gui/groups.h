// Small groups for instruction: the agent's suggestion for chosen competencies
// (class_report.h SuggestGroups), which the teacher edits (moves students)
// before giving a group, or one student, a lesson to do.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cairn/agent/learning.h"
#include "cairn/agent/store.h"
#include "cairn/platform/status.h"

namespace cairn::gui {

struct GroupCard {
  std::vector<std::string> learners;  // ids
  std::string reason;                 // the agent's, "" once edited
};

struct GroupPlan {
  std::string class_id;
  std::vector<std::string> competencies;  // what the groups are for
  std::vector<GroupCard> groups;
  std::vector<std::string> ready;     // mastered every one of them
  std::vector<std::string> unplaced;  // a need no group took
  std::map<std::string, std::string, std::less<>> names;  // learner id -> name
};

// The suggestion for the class's active students. kInvalidArgument when no
// competency is chosen; kNotFound for no such class.
Result<GroupPlan> SuggestClassGroups(const Store& store, std::string_view class_id,
                                     const std::vector<std::string>& competencies);

// Moves `learner` into group `to` (an index; groups.size() makes a new group),
// out of wherever the plan had them. A group left empty goes.
void MoveStudent(GroupPlan& plan, std::string_view learner, size_t to);

// Active lessons that work on any of `competencies`, by title.
std::vector<LessonInfo> LessonsFor(const Curriculum& curriculum,
                                   const std::vector<std::string>& competencies);

// Saves `group` as a group of the class (a `group` op, named e.g. "Group 1 ·
// Equivalent fractions") and assigns it `lesson` (an `assignment` op), in one
// transaction; returns the group's id. `due` is YYYY-MM-DD or "".
Result<std::string> AssignToGroup(Store& store, std::string_view teacher, const GroupPlan& plan,
                                  const GroupCard& group, std::string_view name,
                                  std::string_view lesson, std::string_view due = "");

// Assigns `lesson` to one learner (an `assignment` op); returns its id.
Result<std::string> AssignToLearner(Store& store, std::string_view teacher,
                                    std::string_view learner, std::string_view lesson,
                                    std::string_view due = "");

}  // namespace cairn::gui
