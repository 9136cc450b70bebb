// A student's goals: set one (in my own words, or tied to a skill), check in
// and reflect, see how far I am; and my profile: strengths, what I'm working
// on, my interests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "cairn/agent/profile.h"
#include "cairn/gui/goals.h"
#include "cairn/gui/home.h"

namespace cairn::gui {

class GoalsView {
 public:
  void Reload(AppContext& ctx);
  void Draw(AppContext& ctx);

 private:
  void DrawGoal(AppContext& ctx, const ProfileGoal& goal);
  void DrawCheckIn(AppContext& ctx);
  void DrawNewGoal(AppContext& ctx);

  std::optional<LearnerProfile> profile_;
  std::vector<CompetencyCard> skills_;  // to tie a goal to (not locked)
  NewGoal draft_;
  std::string checking_in_;  // the goal being checked in on
  CheckIn check_in_;
  std::string message_, error_;
};

class ProfileView {
 public:
  void Reload(AppContext& ctx);
  void Draw(AppContext& ctx);

 private:
  std::optional<LearnerProfile> profile_;
  std::string new_interest_, error_;
};

}  // namespace cairn::gui
