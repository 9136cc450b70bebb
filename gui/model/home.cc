#include "cairn/gui/home.h"

#include <algorithm>
#include <map>
#include <set>

#include "cairn/agent/learning.h"
#include "cairn/agent/profile.h"

namespace cairn::gui {
namespace {

int Order(CompetencyStatus s) {
  switch (s) {
    case CompetencyStatus::kMastered:
      return 0;
    case CompetencyStatus::kInProgress:
      return 1;
    case CompetencyStatus::kAvailable:
      return 2;
    case CompetencyStatus::kLocked:
      return 3;
  }
  return 4;
}

}  // namespace

Result<HomeData> LoadHome(const Store& store, std::string_view learner) {
  CAIRN_ASSIGN_OR_RETURN(LearningPath path, BuildLearningPath(store, learner));
  CAIRN_ASSIGN_OR_RETURN(LearnerProfile profile, BuildLearnerProfile(store, learner));
  CAIRN_ASSIGN_OR_RETURN(Curriculum curriculum, LoadCurriculum(store));

  HomeData home;
  home.learner = std::string(learner);
  home.name = profile.name;

  std::set<std::string, std::less<>> listed;
  for (const PathAssignment& a : path.assignments) {
    if (!listed.insert(a.lesson.lesson).second) continue;
    NextStep step;
    step.assigned = true;
    step.lesson = a.lesson.lesson;
    step.title = a.lesson.title;
    step.due = a.assignment.due;
    step.minutes = a.lesson.minutes;
    step.started = a.lesson.started;
    step.path_lesson = a.lesson;
    home.steps.push_back(std::move(step));
  }
  // Lessons the learner left half-way stay on Home until completed, even when the
  // path no longer offers them (their competency got mastered on the way).
  CAIRN_ASSIGN_OR_RETURN(std::vector<Evidence> evidence, store.EvidenceFor(learner));
  std::vector<std::string> unfinished;
  for (const Evidence& e : evidence) {
    if (e.retracted || e.op.kind != "activity") continue;
    std::string lesson = e.op.body.value("lesson", "");
    std::string event = e.op.body.value("event", "");
    std::erase(unfinished, lesson);
    if (event == "started" || event == "resumed") unfinished.push_back(lesson);
  }
  for (const std::string& lesson : unfinished) {
    auto info = curriculum.lessons.find(lesson);
    if (info == curriculum.lessons.end() || info->second.retired) continue;
    if (!listed.insert(lesson).second) continue;
    NextStep step;
    step.lesson = lesson;
    step.title = info->second.title;
    if (!info->second.competencies.empty()) {
      step.competency_title = curriculum.TitleOf(info->second.competencies.front());
    }
    step.minutes = info->second.minutes;
    step.started = true;
    step.path_lesson.lesson = lesson;
    step.path_lesson.title = step.title;
    step.path_lesson.minutes = step.minutes;
    step.path_lesson.started = true;
    home.steps.push_back(std::move(step));
  }
  for (const PathStep& ready : path.ready) {
    for (const PathLesson& l : ready.lessons) {
      if (!listed.insert(l.lesson).second) continue;
      NextStep step;
      step.lesson = l.lesson;
      step.title = l.title;
      step.competency_title = ready.title;
      step.minutes = l.minutes;
      step.started = l.started;
      step.path_lesson = l;
      home.steps.push_back(std::move(step));
    }
  }

  std::map<std::string, const MasteryEstimate*, std::less<>> started;
  for (const MasteryEstimate& e : profile.in_progress) started[e.competency] = &e;
  for (const ProfileNeed& n : profile.needs) started[n.estimate.competency] = &n.estimate;
  std::map<std::string, Hlc, std::less<>> badges;
  for (const ProfileBadge& b : profile.badges) badges[b.competency] = b.earned;
  std::set<std::string, std::less<>> mastered;
  for (const MasteryEstimate& e : profile.strengths) mastered.insert(e.competency);

  for (const auto& [id, info] : curriculum.competencies) {
    if (info.retired) continue;
    CompetencyCard card;
    card.id = id;
    card.title = info.title;
    if (mastered.contains(id)) {
      card.status = CompetencyStatus::kMastered;
      card.p_mastered = 1;
      if (auto it = badges.find(id); it != badges.end()) card.badge_earned = it->second;
    } else {
      for (const std::string& pre : info.prerequisites) {
        if (!mastered.contains(pre)) card.waiting_for.push_back(curriculum.TitleOf(pre));
      }
      if (auto it = started.find(id); it != started.end()) {
        card.p_mastered = it->second->p_mastered;
        card.status = CompetencyStatus::kInProgress;
      } else {
        card.status =
            card.waiting_for.empty() ? CompetencyStatus::kAvailable : CompetencyStatus::kLocked;
      }
    }
    if (card.status == CompetencyStatus::kMastered) ++home.mastered;
    home.competencies.push_back(std::move(card));
  }
  std::stable_sort(home.competencies.begin(), home.competencies.end(),
                   [](const CompetencyCard& a, const CompetencyCard& b) {
                     return Order(a.status) < Order(b.status);
                   });
  return home;
}

Status ChooseStep(Store& store, std::string_view learner, const NextStep& step) {
  if (!step.started) return RecordChoice(store, learner, step.path_lesson).status();
  return store
      .Append("activity", {{"learner", learner}, {"lesson", step.lesson}, {"event", "resumed"}})
      .status();
}

}  // namespace cairn::gui
