// A student's goals and the editable part of their profile, written by the
// student on a shared device (per-field last-writer-wins ops; check-ins are
// evidence). What is read back comes from the learner profile (profile.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cairn/agent/store.h"
#include "cairn/platform/status.h"

namespace cairn::gui {

struct NewGoal {
  std::string text;                       // in the student's own words
  std::vector<std::string> competencies;  // may be empty
  std::string target_date;                // YYYY-MM-DD or ""
};

// Records an active goal; returns its id. kInvalidArgument for a goal with no
// words and no competency, or a target date not of the form YYYY-MM-DD.
Result<std::string> SetGoal(Store& store, std::string_view learner, const NewGoal& goal);

struct CheckIn {
  int rating = 0;     // 1–5 (how it is going), 0 when not said
  int progress = -1;  // percent, -1 when not said
  std::string reflection;
};

// Records a check-in on one of the learner's goals. kInvalidArgument when it
// says nothing at all; kNotFound when the goal is not the learner's.
Status CheckInOnGoal(Store& store, std::string_view learner, std::string_view goal,
                     const CheckIn& check_in);

// Marks a goal achieved (or dropped, or active again).
Status SetGoalStatus(Store& store, std::string_view learner, std::string_view goal,
                     std::string_view status);

// Replaces the learner's interests (trimmed, empty ones and repeats left out).
Status SetInterests(Store& store, std::string_view learner,
                    const std::vector<std::string>& interests);

}  // namespace cairn::gui
