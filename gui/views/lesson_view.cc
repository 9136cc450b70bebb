#include "views/lesson_view.h"

#include <algorithm>

#include "app/ui.h"

namespace cairn::gui {

void LessonView::Reset() {
  response_.clear();
  selected_.clear();
  focus_answer_ = true;
}

void LessonView::Open(AppContext& ctx) {
  Reset();
  error_.clear();
  changes_.reset();
  Result<LessonSession> session = LessonSession::Open(*ctx.store, ctx.learner, ctx.lesson);
  if (!session.ok()) {
    session_.reset();
    error_ = session.status().message();
    return;
  }
  session_ = std::move(*session);
}

void LessonView::Draw(AppContext& ctx) {
  std::string back = ctx.T("lesson.back_home") + "##back";
  if (ui::Button(back.c_str())) {
    ctx.Go(Screen::kHome);
    return;
  }
  if (!error_.empty()) ui::TextColoured(ui::kOrange, error_);
  if (!session_) return;
  ImGui::SameLine();
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(session_->title());
  ImGui::PopFont();

  size_t n = session_->item_count();
  size_t at = std::min(session_->position() + 1, n);
  std::string progress =
      session_->finished()
          ? ctx.T("lesson.all_done")
          : ctx.strings->Format("lesson.question_of",
                                {{"n", std::to_string(at)}, {"total", std::to_string(n)}});
  float done = static_cast<float>(session_->position() + (session_->answer() ? 1 : 0)) /
               static_cast<float>(n);
  ui::ProgressBar(done, ImVec2(-1, ImGui::GetFontSize() * 1.4f), progress);
  ImGui::Spacing();
  if (session_->finished()) {
    DrawFinished(ctx);
  } else {
    DrawItem(ctx);
  }
}

void LessonView::DrawItem(AppContext& ctx) {
  const LessonItem& item = session_->current();
  if (session_->resumed() && session_->position() == session_->resumed_at() &&
      !session_->answer()) {
    ui::TextMuted(ctx.T("lesson.welcome_back"));
  }
  if (!session_->passage().empty()) {
    ImGui::BeginChild("##passage", ImVec2(0, ImGui::GetFontSize() * 6), true);
    ui::Text(session_->passage());
    ImGui::EndChild();
  }
  ImGui::PushFont(ctx.fonts.large);
  ui::Text(item.prompt);
  ImGui::PopFont();
  ImGui::Spacing();

  DrawAnswerArea(ctx);
  ImGui::Spacing();

  // Hints, one at a time.
  for (size_t h = 0; h < session_->hints_shown() && h < item.hints.size(); ++h) {
    ui::TextColoured(ui::kBlue, ctx.T("lesson.hint_prefix") + " " + item.hints[h]);
  }
  if (!session_->answer() && session_->hints_shown() < item.hints.size()) {
    std::string hint =
        (session_->hints_shown() == 0 ? ctx.T("lesson.hint") : ctx.T("lesson.another_hint")) +
        "##hint";
    if (ui::Button(hint.c_str())) session_->ShowHint();
  }
  if (session_->answer()) DrawFeedback(ctx);
}

void LessonView::DrawAnswerArea(AppContext& ctx) {
  const LessonItem& item = session_->current();
  const float unit = ImGui::GetFontSize();
  bool answered = session_->answer().has_value();
  // Once answered, the choices stay in their colours (greyed out they read as
  // "locked" to a child): the one picked carries ✓ or ✗ and nothing reacts to a
  // tap until Try again or Next.
  bool right = answered && session_->answer()->correct;
  if (item.type == ItemType::kChoice) {
    ui::TextMuted(item.multiple ? ctx.T("lesson.pick_all") : ctx.T("lesson.pick_one"));
    ImGui::PushFont(ctx.fonts.large);
    for (size_t i = 0; i < item.choices.size(); ++i) {
      if (i % 2 != 0) ImGui::SameLine();
      bool selected = std::find(selected_.begin(), selected_.end(), i) != selected_.end();
      std::string mark = answered && selected ? (right ? "✓ " : "✗ ") : "";
      std::string label = mark + item.choices[i] + "##choice-" + std::to_string(i);
      ImU32 colour = !selected                ? IM_COL32(90, 110, 140, 255)
                     : answered && !right     ? ui::kOrange
                     : answered && right      ? ui::kGreen
                                              : ui::kBlue;
      if (ui::Tile(label.c_str(), colour, ImVec2(unit * 14, unit * 3), selected) && !answered) {
        if (item.multiple) {
          if (selected) {
            selected_.erase(std::find(selected_.begin(), selected_.end(), i));
          } else {
            selected_.push_back(i);
          }
        } else {
          selected_ = {i};
        }
      }
      Probe().AddItem(item.choices[i]);
    }
    ImGui::PopFont();
  } else {
    ui::Text(ctx.T("lesson.your_answer"));
    ImGui::PushFont(ctx.fonts.large);
    if (focus_answer_ && !answered) {
      ImGui::SetKeyboardFocusHere();
      focus_answer_ = false;
    }
    ImGuiInputTextFlags flags = ImGuiInputTextFlags_EnterReturnsTrue;
    if (answered) flags |= ImGuiInputTextFlags_ReadOnly;
    bool entered = ui::InputText("##answer", &response_, unit * 12, flags);
    Probe().AddItem(ctx.T("lesson.your_answer"), true);
    if (!item.unit.empty()) {
      ImGui::SameLine();
      ui::Text(item.unit);
    }
    if (answered) {
      ImGui::SameLine();
      ui::TextColoured(right ? ui::kGreen : ui::kOrange, right ? "✓" : "✗");
    }
    ImGui::PopFont();
    if (entered && !answered) Submit(ctx);
  }
  if (!answered) {
    bool ready = item.type == ItemType::kChoice ? !selected_.empty() : !response_.empty();
    if (!ready) ImGui::BeginDisabled();
    std::string check = ctx.T("lesson.check") + "##check";
    ImGui::PushFont(ctx.fonts.bold);
    if (ui::Tile(check.c_str(), ui::kGreen, ImVec2(unit * 10, unit * 2.6f))) Submit(ctx);
    ImGui::PopFont();
    if (!ready) ImGui::EndDisabled();
  }
}

void LessonView::Submit(AppContext& ctx) {
  const LessonItem& item = session_->current();
  Result<AnswerResult> result = item.type == ItemType::kChoice ? session_->AnswerChoices(selected_)
                                                               : session_->Answer(response_);
  if (!result.ok()) {
    error_ = ctx.T("lesson.not_saved") + " " + result.status().message();
    return;
  }
  error_.clear();
  ctx.Wrote();
}

void LessonView::DrawFeedback(AppContext& ctx) {
  const AnswerResult& a = *session_->answer();
  const float unit = ImGui::GetFontSize();
  ImGui::Spacing();
  ImVec2 top = ImGui::GetCursorScreenPos();
  ImU32 fill = a.correct ? IM_COL32(222, 245, 229, 255) : IM_COL32(255, 236, 214, 255);
  float height = unit * (a.feedback.empty() ? 2.6f : 4.6f) + (a.correct ? 0 : unit * 1.4f);
  ImGui::GetWindowDrawList()->AddRectFilled(
      top, ImVec2(top.x + ImGui::GetContentRegionAvail().x, top.y + height), fill, 12.0f);
  ImGui::SetCursorScreenPos(ImVec2(top.x + unit * 0.6f, top.y + unit * 0.3f));
  ImGui::BeginGroup();
  ImGui::PushFont(ctx.fonts.large);
  ui::TextColoured(a.correct ? ui::kGreen : ui::kOrange,
                   a.correct ? ctx.T("lesson.correct") : ctx.T("lesson.not_quite"));
  ImGui::PopFont();
  if (!a.feedback.empty()) ui::Text(a.feedback);
  if (!a.correct) ui::TextMuted(ctx.T("lesson.try_again_hint"));
  ImGui::EndGroup();
  ImGui::SetCursorScreenPos(ImVec2(top.x, top.y + height + unit * 0.5f));

  ImGui::PushFont(ctx.fonts.bold);
  bool last = session_->position() + 1 == session_->item_count();
  if (!a.correct) {
    std::string again = ctx.T("lesson.try_again") + "##again";
    if (ui::Tile(again.c_str(), ui::kBlue, ImVec2(unit * 9, unit * 2.6f))) {
      session_->TryAgain();
      Reset();
    }
    ImGui::SameLine();
  }
  std::string next = (last ? ctx.T("lesson.finish") : ctx.T("lesson.next")) + "##next";
  if (ui::Tile(next.c_str(), ui::kGreen, ImVec2(unit * 10, unit * 2.6f))) {
    Status s = session_->Next();
    if (!s.ok()) error_ = ctx.T("lesson.not_saved") + " " + s.message();
    Reset();
    if (session_->finished()) {
      Result<std::vector<MasteryChange>> changes = session_->Changes();
      if (changes.ok()) changes_ = std::move(*changes);
    }
    ctx.Wrote();
  }
  ImGui::PopFont();
}

void LessonView::DrawFinished(AppContext& ctx) {
  const float unit = ImGui::GetFontSize();
  ImGui::PushFont(ctx.fonts.large);
  ui::TextColoured(ui::kGreen, ctx.T("lesson.finished"));
  ImGui::PopFont();
  ui::Text(
      ctx.strings->Format("lesson.score", {{"n", std::to_string(session_->correct_first_time())},
                                           {"total", std::to_string(session_->item_count())}}));
  ImGui::Spacing();
  if (changes_ && !changes_->empty()) {
    ImGui::PushFont(ctx.fonts.bold);
    ui::Text(ctx.T("lesson.your_skills"));
    ImGui::PopFont();
    for (const MasteryChange& c : *changes_) {
      int before = static_cast<int>(c.p_before * 100 + 0.5);
      int after = static_cast<int>(c.p_after * 100 + 0.5);
      if (c.after == MasteryState::kMastered) {
        ImGui::PushFont(ctx.fonts.bold);
        ui::TextColoured(ui::kGold,
                         "★ " + ctx.strings->Format("lesson.now_mastered", {{"skill", c.title}}));
        ImGui::PopFont();
      } else {
        ui::Text(ctx.strings->Format("lesson.skill_change", {{"skill", c.title},
                                                             {"before", std::to_string(before)},
                                                             {"after", std::to_string(after)}}));
      }
      ImGui::ProgressBar(static_cast<float>(c.p_after), ImVec2(unit * 18, unit * 0.6f), "");
    }
  }
  ImGui::Spacing();
  std::string home = ctx.T("lesson.back_home") + "##done";
  ImGui::PushFont(ctx.fonts.bold);
  if (ui::Tile(home.c_str(), ui::kGreen, ImVec2(unit * 12, unit * 2.6f))) ctx.Go(Screen::kHome);
  ImGui::PopFont();
}

}  // namespace cairn::gui
