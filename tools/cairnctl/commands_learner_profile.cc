// `profile LEARNER` (also `profile show LEARNER`): the learner profile a teacher
// reads — strengths, needs, interests, goals, recent feedback, badges.
#include <cstdio>
#include <iostream>

#include "cairn/agent/profile.h"
#include "commands.h"
#include "human.h"
#include "resolve.h"
#include "session.h"

namespace cairn::cli {
namespace {

using nlohmann::json;

std::string Join(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& s : list) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string Day(Hlc hlc) { return FormatTime(HlcMillis(hlc)).substr(0, 10); }

// "  label         value": every line lines up on one column.
void Line(std::string_view label, const std::string& value) {
  std::string left = "  " + std::string(label);
  left.resize(std::max<size_t>(left.size() + 1, 16), ' ');
  std::cout << left << value << "\n";
}

void Lines(std::string_view label, const std::vector<std::string>& values) {
  if (values.empty()) {
    Line(label, "(none)");
    return;
  }
  for (size_t i = 0; i < values.size(); ++i) Line(i == 0 ? label : "", values[i]);
}

Result<ProfileOptions> OptionsFrom(const Args& args) {
  ProfileOptions options;
  if (args.Has("threshold")) {
    CAIRN_ASSIGN_OR_RETURN(options.mastery.threshold, args.Real("threshold", 0.5, 1));
  }
  if (args.Has("feedback")) {
    CAIRN_ASSIGN_OR_RETURN(int64_t n, args.Int("feedback", 0, 100));
    options.recent_feedback = static_cast<size_t>(n);
  }
  return options;
}

void PrintProfile(const Store& store, const LearnerProfile& p) {
  auto title = [&](const std::string& id) {
    auto it = p.titles.find(id);
    return it == p.titles.end() || it->second == id ? id : it->second + " (" + id + ")";
  };
  std::cout << p.name << "  [" << p.learner << "]\n";
  std::vector<std::string> lines;
  for (const MasteryEstimate& e : p.strengths) {
    lines.push_back(title(e.competency) + ", " + MasteryPercent(e.p_mastered));
  }
  Lines("strengths", lines);
  lines.clear();
  for (const ProfileNeed& n : p.needs)
    lines.push_back(title(n.estimate.competency) + ": " + n.reason);
  Lines("needs", lines);
  lines.clear();
  for (const MasteryEstimate& e : p.in_progress) {
    lines.push_back(title(e.competency) + ", " + std::string(MasteryStateName(e.state)) + ", " +
                    MasteryPercent(e.p_mastered));
  }
  if (!lines.empty()) Lines("working on", lines);
  Line("interests", p.interests.empty() ? "(none)" : Join(p.interests));
  if (!p.motivations.empty()) Line("motivations", Join(p.motivations));
  if (!p.preferences.empty()) Line("prefers", Join(p.preferences));
  if (!p.languages.empty()) Line("languages", Join(p.languages));
  if (!p.about.empty()) Line("about", Quote(p.about));
  lines.clear();
  for (const ProfileGoal& g : p.goals) {
    std::string text = Quote(g.text) + ", " + g.status;
    if (!g.target_date.empty()) text += ", by " + g.target_date;
    if (g.progress >= 0) text += ", " + std::to_string(g.progress) + "% of the way";
    if (!g.competencies.empty()) {
      text += "; " + std::to_string(g.competencies_mastered) + " of " +
              std::to_string(g.competencies.size()) + " competencies mastered";
    }
    lines.push_back(text);
    for (const GoalCheckIn& c : g.checkins) {
      std::string checkin = "  check-in " + Day(c.when) + ":";
      if (c.rating > 0) checkin += " going " + std::to_string(c.rating) + "/5";
      if (c.progress >= 0) checkin += ", " + std::to_string(c.progress) + "%";
      if (!c.reflection.empty()) checkin += ", " + Quote(c.reflection);
      lines.push_back(checkin);
    }
  }
  Lines("goals", lines);
  lines.clear();
  for (const ProfileFeedback& f : p.feedback) {
    std::string teacher = f.teacher;
    Result<std::optional<json>> t = store.Entity("teacher", f.teacher);
    if (t.ok() && *t) teacher = DisplayName("teacher", **t);
    std::string text = Day(f.when) + " " + teacher + ": " + std::string(RubricLevelName(f.level)) +
                       " on " + f.title;
    if (!f.modality.empty()) {
      std::string modality = f.modality;
      for (char& c : modality) c = c == '_' ? ' ' : c;
      text += " (" + modality + ")";
    }
    if (!f.note.empty()) text += ", " + Quote(f.note);
    lines.push_back(text);
  }
  Lines("feedback", lines);
  lines.clear();
  for (const ProfileBadge& b : p.badges)
    lines.push_back("* " + b.title + ", earned " + Day(b.earned));
  Lines("badges", lines);
}

Status ShowProfile(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(ProfileOptions options, OptionsFrom(args));
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  const Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(std::string id, ResolveId(store, "learner", args.Get1("learner")));
  CAIRN_ASSIGN_OR_RETURN(LearnerProfile profile, BuildLearnerProfile(store, id, options));
  if (args.Has("json")) {
    std::cout << ProfileToJson(profile).dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return Status::Ok();
  }
  PrintProfile(store, profile);
  return Status::Ok();
}

Command ProfileCommand(std::string_view path) {
  return {path,
          "a learner's profile: strengths, needs, interests, goals, feedback, badges",
          {{"learner", "learner id or name"}},
          {{"json", "", "print the profile as JSON"},
           {"threshold", "P", "P(mastered) from which a competency is mastered (default 0.95)"},
           {"feedback", "N", "how many of the latest teacher observations to show (default 5)"}},
          "Strengths are the mastered competencies (each earns a badge). Needs are gaps: a\n"
          "competency the learner is stuck on (6 or more attempts and still under 50%\n"
          "likely mastered), or a prerequisite of an assigned lesson not yet mastered.\n"
          "Edit interests and the like with `cairnctl profile set`, goals with `cairnctl goal`.\n\n"
          "Examples:\n  cairnctl profile Ada\n  cairnctl profile show Ada --json",
          ShowProfile};
}

}  // namespace

void AddLearnerProfileCommands(std::vector<Command>& out) {
  out.push_back(ProfileCommand("profile"));
  out.push_back(ProfileCommand("profile show"));
}

}  // namespace cairn::cli
