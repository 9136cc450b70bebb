#include "cairn/gui/groups.h"

#include <algorithm>

#include "cairn/agent/class_report.h"
#include "cairn/gui/device.h"

namespace cairn::gui {

Result<GroupPlan> SuggestClassGroups(const Store& store, std::string_view class_id,
                                     const std::vector<std::string>& competencies) {
  if (competencies.empty()) return Status::InvalidArgument("choose at least one skill");
  ClassReportOptions options;
  options.competencies = competencies;
  CAIRN_ASSIGN_OR_RETURN(ClassReport report, BuildClassReport(store, class_id, options));
  CAIRN_ASSIGN_OR_RETURN(Grouping grouping,
                         SuggestGroups(report, competencies, options.stuck, GroupingOptions{}));
  GroupPlan plan;
  plan.class_id = report.class_id;
  plan.competencies = competencies;
  for (const ClassStudent& s : report.students) plan.names[s.learner] = s.name;
  // The agent's reasons name competencies by id; teachers know them by title.
  CAIRN_ASSIGN_OR_RETURN(Curriculum curriculum, LoadCurriculum(store));
  for (const SuggestedGroup& g : grouping.groups) {
    std::string reason = g.reason;
    for (const std::string& c : competencies) {
      std::string title = curriculum.TitleOf(c);
      for (size_t at = reason.find(c); at != std::string::npos; at = reason.find(c, at + title.size())) {
        reason.replace(at, c.size(), title);
      }
    }
    plan.groups.push_back({g.learners, reason});
  }
  plan.ready = grouping.ready;
  plan.unplaced = grouping.unplaced;
  return plan;
}

void MoveStudent(GroupPlan& plan, std::string_view learner, size_t to) {
  auto take = [&](std::vector<std::string>& list) {
    return std::erase_if(list, [&](const std::string& l) { return l == learner; }) > 0;
  };
  bool found = take(plan.ready) | take(plan.unplaced);
  for (GroupCard& g : plan.groups) {
    if (take(g.learners)) {
      found = true;
      g.reason.clear();
    }
  }
  if (!found) return;
  if (to >= plan.groups.size()) {
    plan.groups.push_back({});
    to = plan.groups.size() - 1;
  }
  plan.groups[to].learners.emplace_back(learner);
  plan.groups[to].reason.clear();
  std::erase_if(plan.groups, [](const GroupCard& g) { return g.learners.empty(); });
}

std::vector<LessonInfo> LessonsFor(const Curriculum& curriculum,
                                   const std::vector<std::string>& competencies) {
  std::vector<LessonInfo> out;
  for (const auto& [id, lesson] : curriculum.lessons) {
    if (lesson.retired) continue;
    for (const std::string& c : lesson.competencies) {
      if (std::find(competencies.begin(), competencies.end(), c) != competencies.end()) {
        out.push_back(lesson);
        break;
      }
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const LessonInfo& a, const LessonInfo& b) { return a.title < b.title; });
  return out;
}

Result<std::string> AssignToGroup(Store& store, std::string_view teacher, const GroupPlan& plan,
                                  const GroupCard& group, std::string_view name,
                                  std::string_view lesson, std::string_view due) {
  if (group.learners.empty()) return Status::InvalidArgument("the group has nobody in it");
  std::string group_id = NewEntityId("group"), assignment = NewEntityId("assign");
  nlohmann::json g = {{"group", group_id},
                      {"class", plan.class_id},
                      {"name", std::string(name)},
                      {"members", group.learners},
                      {"competencies", plan.competencies}};
  nlohmann::json a = {{"assignment", assignment},
                      {"teacher", std::string(teacher)},
                      {"lesson", std::string(lesson)},
                      {"group", group_id},
                      {"active", true}};
  if (!due.empty()) a["due"] = std::string(due);
  CAIRN_RETURN_IF_ERROR(store.AppendAll({{"group", g}, {"assignment", a}}).status());
  return group_id;
}

Result<std::string> AssignToLearner(Store& store, std::string_view teacher,
                                    std::string_view learner, std::string_view lesson,
                                    std::string_view due) {
  std::string assignment = NewEntityId("assign");
  nlohmann::json a = {{"assignment", assignment},
                      {"teacher", std::string(teacher)},
                      {"lesson", std::string(lesson)},
                      {"learners", {std::string(learner)}},
                      {"active", true}};
  if (!due.empty()) a["due"] = std::string(due);
  CAIRN_RETURN_IF_ERROR(store.Append("assignment", a).status());
  return assignment;
}

}  // namespace cairn::gui
