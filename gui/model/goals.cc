#include "cairn/gui/goals.h"

#include <algorithm>
#include <optional>

#include "cairn/gui/device.h"

namespace cairn::gui {
namespace {

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1));
}

bool IsDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  return true;
}

Status CheckOwner(const Store& store, std::string_view learner, std::string_view goal) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<nlohmann::json> g, store.Entity("goal", goal));
  if (!g || g->value("learner", "") != learner) {
    return Status::NotFound("no goal '" + std::string(goal) + "' of this learner");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> SetGoal(Store& store, std::string_view learner, const NewGoal& goal) {
  std::string text = Trim(goal.text);
  if (text.empty() && goal.competencies.empty()) {
    return Status::InvalidArgument("say what the goal is, or choose a skill");
  }
  if (!goal.target_date.empty() && !IsDate(goal.target_date)) {
    return Status::InvalidArgument("a date is written YYYY-MM-DD, like 2026-12-18");
  }
  std::string id = NewEntityId("goal");
  nlohmann::json body = {{"goal", id}, {"learner", std::string(learner)}, {"status", "active"}};
  if (!text.empty()) body["text"] = text;
  if (!goal.competencies.empty()) body["competencies"] = goal.competencies;
  if (!goal.target_date.empty()) body["target_date"] = goal.target_date;
  CAIRN_RETURN_IF_ERROR(store.Append("goal", body).status());
  return id;
}

Status CheckInOnGoal(Store& store, std::string_view learner, std::string_view goal,
                     const CheckIn& c) {
  std::string reflection = Trim(c.reflection);
  if (c.rating == 0 && c.progress < 0 && reflection.empty()) {
    return Status::InvalidArgument("say how it is going, how far you are, or a few words");
  }
  CAIRN_RETURN_IF_ERROR(CheckOwner(store, learner, goal));
  nlohmann::json body = {{"learner", std::string(learner)}, {"goal", std::string(goal)}};
  if (c.rating > 0) body["rating"] = c.rating;
  if (c.progress >= 0) body["progress"] = c.progress;
  if (!reflection.empty()) body["reflection"] = reflection;
  return store.Append("goal_checkin", body).status();
}

Status SetGoalStatus(Store& store, std::string_view learner, std::string_view goal,
                     std::string_view status) {
  CAIRN_RETURN_IF_ERROR(CheckOwner(store, learner, goal));
  return store.Append("goal", {{"goal", std::string(goal)}, {"status", std::string(status)}})
      .status();
}

Status SetInterests(Store& store, std::string_view learner,
                    const std::vector<std::string>& interests) {
  std::vector<std::string> clean;
  for (const std::string& i : interests) {
    std::string t = Trim(i);
    if (!t.empty() && std::find(clean.begin(), clean.end(), t) == clean.end()) {
      clean.push_back(t);
    }
  }
  return store.Append("profile", {{"learner", std::string(learner)}, {"interests", clean}})
      .status();
}

}  // namespace cairn::gui
