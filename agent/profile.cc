#include "cairn/agent/profile.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

namespace cairn {

using nlohmann::json;

namespace {

std::string StuckReason(const MasteryEstimate& e) {
  return "stuck: " + std::to_string(e.attempts) + " attempts, " + std::to_string(e.correct) +
         " correct, " + MasteryPercent(e.p_mastered) + " likely mastered";
}

json EstimateJson(const MasteryEstimate& e, const std::map<std::string, std::string>& titles) {
  auto title = titles.find(e.competency);
  return {{"competency", e.competency},
          {"title", title == titles.end() ? e.competency : title->second},
          {"state", MasteryStateName(e.state)},
          {"p_mastered", e.p_mastered},
          {"attempts", e.attempts},
          {"correct", e.correct},
          {"observations", e.observations},
          {"explanation", e.explanation}};
}

}  // namespace

std::string_view RubricLevelName(int level) {
  static constexpr std::string_view kNames[] = {"?", "beginning", "developing", "proficient",
                                                "advanced"};
  return level >= 1 && level <= 4 ? kNames[level] : kNames[0];
}

LearnerProfile AssembleLearnerProfile(const json& learner_record, const json& profile_record,
                                      const std::vector<json>& goals,
                                      const std::vector<AssignmentInfo>& assignments,
                                      const Curriculum& curriculum, const LearnerData& data,
                                      const ProfileOptions& options) {
  LearnerProfile p;
  p.learner = learner_record.value("learner", "");
  p.name = LearnerName(learner_record);
  const MasteryModel& model = data.model;

  // Strengths, badges, and gaps the learner is stuck on.
  std::map<std::string, ProfileNeed> needs;
  std::set<std::string> mastered;
  for (MasteryEstimate& e : model.EstimatesFor(p.learner)) {
    if (e.state == MasteryState::kMastered) {
      mastered.insert(e.competency);
      p.badges.push_back({e.competency, curriculum.TitleOf(e.competency), e.first_mastered});
      p.strengths.push_back(std::move(e));
    } else if (IsStuck(e, options.stuck)) {
      ProfileNeed need;
      need.title = curriculum.TitleOf(e.competency);
      need.stuck = true;
      need.reason = StuckReason(e);
      need.estimate = std::move(e);
      needs.emplace(need.estimate.competency, std::move(need));
    } else if (e.state != MasteryState::kNotStarted) {
      p.in_progress.push_back(std::move(e));
    }
  }
  // Prerequisites of assigned lessons not mastered yet.
  for (const AssignmentInfo& a : assignments) {
    auto lesson = curriculum.lessons.find(a.lesson);
    if (lesson == curriculum.lessons.end()) continue;
    for (const std::string& comp : lesson->second.competencies) {
      auto info = curriculum.competencies.find(comp);
      if (info == curriculum.competencies.end()) continue;
      for (const std::string& pre : info->second.prerequisites) {
        if (mastered.count(pre)) continue;
        auto it = needs.find(pre);
        if (it == needs.end()) {
          ProfileNeed need;
          need.estimate = model.Estimate(p.learner, pre);
          need.title = curriculum.TitleOf(pre);
          it = needs.emplace(pre, std::move(need)).first;
        }
        std::vector<std::string>& lessons = it->second.for_lessons;
        if (std::find(lessons.begin(), lessons.end(), a.lesson) == lessons.end()) {
          lessons.push_back(a.lesson);
        }
      }
    }
  }
  for (auto& [comp, need] : needs) {
    if (!need.for_lessons.empty()) {
      std::string lessons;
      for (const std::string& l : need.for_lessons) {
        auto it = curriculum.lessons.find(l);
        lessons +=
            (lessons.empty() ? "" : ", ") + (it == curriculum.lessons.end() ? l : it->second.title);
      }
      std::string pre = "a prerequisite of assigned " + lessons + ", " +
                        std::string(MasteryStateName(need.estimate.state));
      need.reason = need.reason.empty() ? pre : need.reason + "; " + pre;
    }
    std::erase_if(p.in_progress, [&](const MasteryEstimate& e) { return e.competency == comp; });
    p.needs.push_back(std::move(need));
  }
  std::stable_sort(p.needs.begin(), p.needs.end(),
                   [](const ProfileNeed& a, const ProfileNeed& b) { return a.stuck > b.stuck; });

  p.interests = StringList(profile_record, "interests");
  p.motivations = StringList(profile_record, "motivations");
  p.preferences = StringList(profile_record, "learning_preferences");
  p.languages = StringList(profile_record, "languages");
  p.about = profile_record.value("about", "");

  // Goals with their check-ins, and the latest feedback.
  static const std::vector<Evidence> kNone;
  auto ev = data.evidence.find(p.learner);
  const std::vector<Evidence>& evidence = ev == data.evidence.end() ? kNone : ev->second;
  for (const json& g : goals) {
    ProfileGoal goal;
    goal.id = g.value("goal", "");
    goal.text = g.value("text", "");
    goal.status = g.value("status", "active");
    goal.target_date = g.value("target_date", "");
    goal.competencies = StringList(g, "competencies");
    for (const std::string& c : goal.competencies) goal.competencies_mastered += mastered.count(c);
    p.goals.push_back(std::move(goal));
  }
  std::map<std::string, ProfileGoal*> goal_by_id;
  for (ProfileGoal& g : p.goals) goal_by_id[g.id] = &g;
  for (const Evidence& e : evidence) {
    if (e.retracted) continue;
    const json& b = e.op.body;
    if (e.op.kind == "goal_checkin") {
      auto it = goal_by_id.find(b.value("goal", ""));
      if (it == goal_by_id.end()) continue;
      GoalCheckIn c{e.op.hlc, b.value("rating", 0), b.value("progress", -1),
                    b.value("reflection", "")};
      if (c.progress >= 0) it->second->progress = c.progress;
      it->second->checkins.push_back(std::move(c));
    } else if (e.op.kind == "observation") {
      std::string comp = b.value("competency", "");
      p.feedback.push_back({e.op.hlc, b.value("teacher", ""), comp, curriculum.TitleOf(comp),
                            b.value("level", 0), b.value("modality", ""), b.value("note", "")});
    }
  }
  std::stable_sort(p.goals.begin(), p.goals.end(), [](const ProfileGoal& a, const ProfileGoal& b) {
    return (a.status == "active") > (b.status == "active");
  });
  // Evidence is in fold order, oldest first: keep the newest, newest first.
  std::reverse(p.feedback.begin(), p.feedback.end());
  if (p.feedback.size() > options.recent_feedback) p.feedback.resize(options.recent_feedback);
  for (const auto* list : {&p.strengths, &p.in_progress}) {
    for (const MasteryEstimate& e : *list)
      p.titles[e.competency] = curriculum.TitleOf(e.competency);
  }
  for (const ProfileNeed& n : p.needs) p.titles[n.estimate.competency] = n.title;
  for (const ProfileGoal& g : p.goals) {
    for (const std::string& c : g.competencies) p.titles[c] = curriculum.TitleOf(c);
  }
  return p;
}

Result<LearnerProfile> BuildLearnerProfile(const Store& store, std::string_view learner,
                                           const ProfileOptions& options) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<json> record, store.Entity("learner", learner));
  if (!record) return Status::NotFound("no learner '" + std::string(learner) + "'");
  CAIRN_ASSIGN_OR_RETURN(std::optional<json> profile, store.Entity("profile", learner));
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> goals, store.EntitiesWhere("goal", "learner", learner));
  CAIRN_ASSIGN_OR_RETURN(std::vector<AssignmentInfo> assignments, AssignmentsFor(store, learner));
  CAIRN_ASSIGN_OR_RETURN(Curriculum curriculum, LoadCurriculum(store));
  CAIRN_ASSIGN_OR_RETURN(LearnerData data,
                         LoadLearnerData(store, options.mastery, {std::string(learner)},
                                         /*with_ops=*/true));
  return AssembleLearnerProfile(*record, profile.value_or(json::object()), goals, assignments,
                                curriculum, data, options);
}

json ProfileToJson(const LearnerProfile& p) {
  const auto& none = p.titles;
  json out = {{"learner", p.learner}, {"name", p.name}};
  json strengths = json::array(), needs = json::array(), in_progress = json::array();
  for (const MasteryEstimate& e : p.strengths) strengths.push_back(EstimateJson(e, none));
  for (const ProfileNeed& n : p.needs) {
    json j = EstimateJson(n.estimate, none);
    j["title"] = n.title;
    j["stuck"] = n.stuck;
    j["for_lessons"] = n.for_lessons;
    j["reason"] = n.reason;
    needs.push_back(std::move(j));
  }
  for (const MasteryEstimate& e : p.in_progress) in_progress.push_back(EstimateJson(e, none));
  out["strengths"] = std::move(strengths);
  out["needs"] = std::move(needs);
  out["in_progress"] = std::move(in_progress);
  out["interests"] = p.interests;
  out["motivations"] = p.motivations;
  out["learning_preferences"] = p.preferences;
  out["languages"] = p.languages;
  if (!p.about.empty()) out["about"] = p.about;
  json goals = json::array();
  for (const ProfileGoal& g : p.goals) {
    json checkins = json::array();
    for (const GoalCheckIn& c : g.checkins) {
      json j = {{"time_ms", HlcMillis(c.when)}};
      if (c.rating > 0) j["rating"] = c.rating;
      if (c.progress >= 0) j["progress"] = c.progress;
      if (!c.reflection.empty()) j["reflection"] = c.reflection;
      checkins.push_back(std::move(j));
    }
    json j = {{"goal", g.id},
              {"text", g.text},
              {"status", g.status},
              {"competencies", g.competencies},
              {"competencies_mastered", g.competencies_mastered},
              {"checkins", std::move(checkins)}};
    if (!g.target_date.empty()) j["target_date"] = g.target_date;
    if (g.progress >= 0) j["progress"] = g.progress;
    goals.push_back(std::move(j));
  }
  out["goals"] = std::move(goals);
  json feedback = json::array();
  for (const ProfileFeedback& f : p.feedback) {
    json j = {{"time_ms", HlcMillis(f.when)},
              {"teacher", f.teacher},
              {"competency", f.competency},
              {"title", f.title},
              {"level", f.level},
              {"level_name", RubricLevelName(f.level)},
              {"modality", f.modality}};
    if (!f.note.empty()) j["note"] = f.note;
    feedback.push_back(std::move(j));
  }
  out["feedback"] = std::move(feedback);
  json badges = json::array();
  for (const ProfileBadge& b : p.badges) {
    badges.push_back(
        {{"competency", b.competency}, {"title", b.title}, {"earned_ms", HlcMillis(b.earned)}});
  }
  out["badges"] = std::move(badges);
  return out;
}

}  // namespace cairn
