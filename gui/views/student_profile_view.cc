#include "views/student_profile_view.h"

#include "app/ui.h"
#include "cairn/gui/groups.h"

namespace cairn::gui {

void StudentProfileView::Reload(AppContext& ctx) {
  error_.clear();
  Result<LearnerProfile> profile = BuildLearnerProfile(*ctx.store, ctx.student);
  Result<LearningPath> path = BuildLearningPath(*ctx.store, ctx.student);
  Result<Curriculum> curriculum = LoadCurriculum(*ctx.store);
  if (!profile.ok() || !path.ok() || !curriculum.ok()) {
    error_ = (!profile.ok() ? profile.status() : !path.ok() ? path.status() : curriculum.status())
                 .message();
    profile_.reset();
    return;
  }
  profile_ = std::move(*profile);
  path_ = std::move(*path);
  lessons_.clear();
  lesson_titles_.clear();
  for (const auto& [id, l] : curriculum->lessons) {
    if (l.retired) continue;
    lessons_.push_back(l);
    lesson_titles_.push_back(l.title);
  }
}

void StudentProfileView::Draw(AppContext& ctx) {
  const float unit = ImGui::GetFontSize();
  std::string back = ctx.T("profile.back_to_grid") + "##back-grid";
  if (ui::Button(back.c_str())) {
    ctx.Go(Screen::kClassGrid);
    return;
  }
  if (!error_.empty()) ui::TextColoured(ui::kOrange, error_);
  if (!profile_) return;
  ImGui::SameLine();
  std::string observe = ctx.T("grid.observe_this") + "##observe-student";
  if (ui::Button(observe.c_str())) {
    ctx.observe_learners = {ctx.student};
    ctx.Go(Screen::kObserve);
    return;
  }
  ImGui::PushFont(ctx.fonts.large);
  ui::Text(profile_->name);
  ImGui::PopFont();
  float avail = ImGui::GetContentRegionAvail().x;
  ImGui::BeginChild("##mastery", ImVec2(avail * 0.5f, 0), false);
  DrawMastery(ctx);
  ImGui::EndChild();
  ImGui::SameLine(0, unit);
  ImGui::BeginChild("##rest", ImVec2(0, 0), false);
  DrawRest(ctx);
  ImGui::EndChild();
}

void StudentProfileView::DrawMastery(AppContext& ctx) {
  const LearnerProfile& p = *profile_;
  auto title = [&](const std::string& id) {
    auto it = p.titles.find(id);
    return it != p.titles.end() ? it->second : id;
  };
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("profile.mastery"));
  ImGui::PopFont();
  for (const MasteryEstimate& e : p.strengths) {
    ui::TextColoured(ui::kGreen, "★ " + title(e.competency));
  }
  for (const ProfileNeed& n : p.needs) {
    ui::TextColoured(ui::kOrange, "! " + n.title);
    ImGui::Indent();
    ui::TextMuted(n.reason);
    ImGui::Unindent();
  }
  for (const MasteryEstimate& e : p.in_progress) {
    ui::TextColoured(ui::kBlue, "◐ " + title(e.competency) + " · " + MasteryPercent(e.p_mastered));
  }
  if (p.strengths.empty() && p.needs.empty() && p.in_progress.empty()) {
    ui::TextMuted(ctx.T("profile.no_evidence"));
  }
  ImGui::Spacing();
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("profile.next_steps"));
  ImGui::PopFont();
  for (const PathAssignment& a : path_->assignments) {
    ui::Text("→ " + a.lesson.title + "  (" + ctx.T("profile.assigned") + ")");
  }
  for (const PathStep& s : path_->ready) {
    ui::Text("→ " + s.title);
    ImGui::Indent();
    ui::TextMuted(s.why);
    ImGui::Unindent();
  }
  if (!lessons_.empty()) {
    ui::Choice("##assign-lesson", lesson_titles_, &pick_, ImGui::GetFontSize() * 14);
    ImGui::SameLine();
    std::string assign = ctx.T("groups.assign") + "##assign-student";
    if (ui::Button(assign.c_str())) {
      Status s = AssignToLearner(*ctx.store, ctx.teacher, ctx.student, lessons_[pick_].id).status();
      message_ = s.ok() ? ctx.strings->Format("groups.assigned", {{"lesson", lessons_[pick_].title},
                                                                  {"names", profile_->name}})
                        : s.message();
      ctx.Wrote();
    }
    if (!message_.empty()) ui::TextColoured(ui::kGreen, message_);
  }
}

void StudentProfileView::DrawRest(AppContext& ctx) {
  const LearnerProfile& p = *profile_;
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("profile.goals"));
  ImGui::PopFont();
  if (p.goals.empty()) ui::TextMuted(ctx.T("profile.no_goals"));
  for (const ProfileGoal& g : p.goals) {
    std::string line = g.text.empty() ? ctx.T("goals.skill_goal") : g.text;
    if (g.status == "achieved") line += "  (" + ctx.T("goals.status_achieved") + ")";
    if (g.status == "dropped") line += "  (" + ctx.T("goals.status_dropped") + ")";
    ui::Text("• " + line);
    ImGui::Indent();
    for (const GoalCheckIn& c : g.checkins) {
      std::string check = ui::Day(HlcMillis(c.when));
      if (c.progress >= 0) check += "  " + std::to_string(c.progress) + "%";
      if (c.rating > 0) check += "  " + std::string(static_cast<size_t>(c.rating), '*');
      if (!c.reflection.empty()) check += "  “" + c.reflection + "”";
      ui::TextMuted(check);
    }
    ImGui::Unindent();
  }
  ImGui::Spacing();
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("profile.observations"));
  ImGui::PopFont();
  if (p.feedback.empty()) ui::TextMuted(ctx.T("profile.no_observations"));
  for (const ProfileFeedback& f : p.feedback) {
    ui::Text(ui::Day(HlcMillis(f.when)) + "  " + f.title + ": " +
             ctx.T("level." + std::to_string(f.level)));
    if (!f.note.empty()) {
      ImGui::Indent();
      ui::TextMuted(f.note);
      ImGui::Unindent();
    }
  }
  if (!p.interests.empty()) {
    ImGui::Spacing();
    ImGui::PushFont(ctx.fonts.bold);
    ui::Text(ctx.T("profile.interests"));
    ImGui::PopFont();
    std::string all;
    for (const std::string& i : p.interests) all += (all.empty() ? "" : ", ") + i;
    ui::Text(all);
  }
}

}  // namespace cairn::gui
