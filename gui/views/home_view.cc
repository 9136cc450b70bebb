#include "views/home_view.h"

#include "app/ui.h"

namespace cairn::gui {

void HomeView::Reload(AppContext& ctx) {
  error_.clear();
  Result<HomeData> home = LoadHome(*ctx.store, ctx.learner);
  if (!home.ok()) {
    data_.reset();
    error_ = home.status().message();
    return;
  }
  data_ = std::move(*home);
}

void HomeView::Draw(AppContext& ctx) {
  if (!error_.empty()) {
    ui::TextColoured(ui::kOrange, error_);
    return;
  }
  if (!data_) return;
  ImGui::PushFont(ctx.fonts.large);
  ui::Text(ctx.strings->Format("home.hello", {{"name", ctx.learner_name}}));
  ImGui::PopFont();
  ImGui::SameLine(0, ImGui::GetFontSize() * 2);
  std::string goals = ctx.T("home.my_goals") + "##goals";
  if (ui::Button(goals.c_str())) ctx.Go(Screen::kGoals);
  ImGui::SameLine();
  std::string me = ctx.T("home.about_me") + "##me";
  if (ui::Button(me.c_str())) ctx.Go(Screen::kProfile);
  ImGui::Spacing();

  float avail = ImGui::GetContentRegionAvail().x;
  float gap = ImGui::GetStyle().ItemSpacing.x * 3;
  ImGui::BeginChild("##steps", ImVec2((avail - gap) * 0.58f, 0), false);
  DrawSteps(ctx);
  ImGui::EndChild();
  ImGui::SameLine(0, gap);
  ImGui::BeginChild("##competencies", ImVec2(0, 0), false);
  DrawCompetencies(ctx);
  ImGui::EndChild();
}

void HomeView::DrawSteps(AppContext& ctx) {
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("home.next_steps"));
  ImGui::PopFont();
  if (data_->steps.empty()) ui::TextMuted(ctx.T("home.no_steps"));
  const float unit = ImGui::GetFontSize();
  const ImGuiStyle& style = ImGui::GetStyle();
  bool first_choice = true;
  for (size_t i = 0; i < data_->steps.size(); ++i) {
    const NextStep& step = data_->steps[i];
    if (!step.assigned && first_choice) {
      first_choice = false;
      ImGui::Spacing();
      ui::TextMuted(data_->steps.front().assigned ? ctx.T("home.or_choose") : ctx.T("home.choose"));
    }
    ImGui::PushID(static_cast<int>(i));
    float card_height = unit * 4.2f;
    ImVec2 top = ImGui::GetCursorScreenPos();
    float width = ImGui::GetContentRegionAvail().x - style.ScrollbarSize;
    ImU32 fill = step.assigned ? IM_COL32(255, 243, 214, 255) : IM_COL32(232, 240, 252, 255);
    ImGui::GetWindowDrawList()->AddRectFilled(top, ImVec2(top.x + width, top.y + card_height), fill,
                                              12.0f);
    ImGui::SetCursorScreenPos(ImVec2(top.x + unit * 0.6f, top.y + unit * 0.4f));
    ImGui::BeginGroup();
    ImGui::PushFont(ctx.fonts.bold);
    ui::Text(step.title);
    ImGui::PopFont();
    std::string detail = step.assigned ? ctx.T("home.from_teacher") : step.competency_title;
    if (step.minutes > 0) {
      detail +=
          "  ·  " + ctx.strings->Format("home.minutes", {{"n", std::to_string(step.minutes)}});
    }
    if (!step.due.empty())
      detail += "  ·  " + ctx.strings->Format("home.due", {{"date", step.due}});
    ui::TextMuted(detail);
    ImGui::EndGroup();
    std::string label =
        (step.started ? ctx.T("home.continue") : ctx.T("home.start")) + "##" + step.lesson;
    float button_width = unit * 7;
    ImGui::SetCursorScreenPos(ImVec2(top.x + width - button_width - unit * 0.6f,
                                     top.y + (card_height - unit * 2.4f) / 2));
    if (ui::Tile(label.c_str(), step.assigned ? ui::kOrange : ui::kGreen,
                 ImVec2(button_width, unit * 2.4f))) {
      Status s = ChooseStep(*ctx.store, ctx.learner, step);
      if (!s.ok()) {
        error_ = s.message();
      } else {
        ctx.lesson = step.lesson;
        ctx.Wrote();
        ctx.Go(Screen::kLesson);
      }
    }
    ImGui::SetCursorScreenPos(ImVec2(top.x, top.y + card_height + style.ItemSpacing.y * 2));
    ImGui::PopID();
  }
}

void HomeView::DrawCompetencies(AppContext& ctx) {
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("home.my_skills"));
  ImGui::PopFont();
  ui::TextMuted(ctx.strings->Format("home.mastered_count",
                                    {{"n", std::to_string(data_->mastered)},
                                     {"total", std::to_string(data_->competencies.size())}}));
  ImGui::Spacing();
  for (const CompetencyCard& c : data_->competencies) {
    ImU32 colour = ui::kGrey;
    std::string mark, state;
    switch (c.status) {
      case CompetencyStatus::kMastered:
        colour = ui::kGold;
        mark = "★";
        state = ctx.T("skill.mastered");
        break;
      case CompetencyStatus::kInProgress:
        colour = ui::kBlue;
        mark = "◐";
        state = ctx.T("skill.in_progress");
        break;
      case CompetencyStatus::kAvailable:
        colour = ui::kGreen;
        mark = "○";
        state = ctx.T("skill.available");
        break;
      case CompetencyStatus::kLocked:
        colour = ui::kGrey;
        mark = "◌";
        state = ctx.T("skill.locked");
        break;
    }
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted(mark.c_str());
    ImGui::PopFont();
    ImGui::PopStyleColor();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ui::Text(c.title);
    if (c.status == CompetencyStatus::kInProgress) {
      ImGui::SetNextItemWidth(-1);
      ui::ProgressBar(static_cast<float>(c.p_mastered),
                      ImVec2(ImGui::GetContentRegionAvail().x * 0.8f, ImGui::GetFontSize() * 0.5f),
                      "");
      ui::TextMuted(state);
    } else if (c.status == CompetencyStatus::kLocked && !c.waiting_for.empty()) {
      ui::TextMuted(ctx.strings->Format("skill.after", {{"what", c.waiting_for.front()}}));
    } else {
      ui::TextColoured(colour, state);
    }
    ImGui::EndGroup();
    ImGui::Spacing();
  }
}

}  // namespace cairn::gui
