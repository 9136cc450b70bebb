// The lesson player: one item at a time, with hints, immediate feedback and
// progress; at the end, what the learner's mastery became.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "cairn/gui/lesson.h"

namespace cairn::gui {

class LessonView {
 public:
  // Opens ctx.lesson for ctx.learner, resuming where they left off.
  void Open(AppContext& ctx);
  void Draw(AppContext& ctx);

 private:
  void DrawItem(AppContext& ctx);
  void DrawAnswerArea(AppContext& ctx);
  void DrawFeedback(AppContext& ctx);
  void DrawFinished(AppContext& ctx);
  void Submit(AppContext& ctx);
  void Reset();

  std::optional<LessonSession> session_;
  std::optional<std::vector<MasteryChange>> changes_;
  std::string response_, error_;
  std::vector<size_t> selected_;
  bool focus_answer_ = true;
};

}  // namespace cairn::gui
