#include "views/groups_view.h"

#include <algorithm>

#include "app/ui.h"
#include "cairn/gui/class_grid.h"

namespace cairn::gui {

void GroupsView::Reload(AppContext& ctx) {
  error_.clear();
  Result<Curriculum> curriculum = LoadCurriculum(*ctx.store);
  if (!curriculum.ok()) {
    error_ = curriculum.status().message();
    return;
  }
  curriculum_ = std::move(*curriculum);
  // Keep the edited plan when data changes; a new class starts over.
  if (plan_ && plan_->class_id != ctx.class_id) plan_.reset();
}

void GroupsView::Draw(AppContext& ctx) {
  if (!curriculum_) {
    ui::TextColoured(ui::kOrange, error_);
    return;
  }
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("groups.skills"));
  ImGui::PopFont();
  const float unit = ImGui::GetFontSize();
  ImGui::BeginChild("##group-skills", ImVec2(0, unit * 5.2f), true);
  bool first = true;
  for (const std::string& id : TeachingOrder(*curriculum_)) {
    const CompetencyInfo& info = curriculum_->competencies.at(id);
    bool on = std::find(chosen_.begin(), chosen_.end(), id) != chosen_.end();
    std::string label = info.title + "##group-skill-" + id;
    ui::SameLineIfFits(label, first);
    first = false;
    if (ui::Chip(label.c_str(), on)) {
      if (on) {
        std::erase(chosen_, id);
      } else {
        chosen_.push_back(id);
      }
    }
  }
  ImGui::EndChild();
  if (chosen_.empty()) ImGui::BeginDisabled();
  std::string suggest = ctx.T("groups.suggest") + "##suggest";
  if (ui::Tile(suggest.c_str(), ui::kBlue, ImVec2(unit * 10, unit * 2.2f))) {
    Result<GroupPlan> plan = SuggestClassGroups(*ctx.store, ctx.class_id, chosen_);
    if (plan.ok()) {
      plan_ = std::move(*plan);
      lessons_ = LessonsFor(*curriculum_, plan_->competencies);
      lesson_titles_.clear();
      for (const LessonInfo& l : lessons_) lesson_titles_.push_back(l.title);
      lesson_of_.assign(plan_->groups.size() + 1, 0);
      moving_.clear();
      message_.clear();
      error_.clear();
    } else {
      error_ = plan.status().message();
    }
  }
  if (chosen_.empty()) {
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ui::TextMuted(ctx.T("groups.choose_first"));
  }
  if (!error_.empty()) ui::TextColoured(ui::kOrange, error_);
  if (!message_.empty()) ui::TextColoured(ui::kGreen, "✓ " + message_);
  if (plan_) DrawPlan(ctx);
}

void GroupsView::DrawStudents(AppContext& ctx, const std::vector<std::string>& learners) {
  (void)ctx;
  for (size_t i = 0; i < learners.size(); ++i) {
    const std::string& l = learners[i];
    auto name = plan_->names.find(l);
    std::string label = (name != plan_->names.end() ? name->second : l) + "##member-" + l;
    ui::SameLineIfFits(label, i == 0);
    if (ui::Chip(label.c_str(), moving_ == l)) moving_ = moving_ == l ? "" : l;
  }
  if (learners.empty()) ui::TextMuted("—");
}

void GroupsView::DrawPlan(AppContext& ctx) {
  const float unit = ImGui::GetFontSize();
  ImGui::Separator();
  ui::TextMuted(moving_.empty() ? ctx.T("groups.how_to_move")
                                : ctx.strings->Format("groups.moving",
                                                      {{"name", plan_->names[moving_]}}));
  ImGui::BeginChild("##plan", ImVec2(0, 0), false);
  lesson_of_.resize(plan_->groups.size() + 1, 0);
  for (size_t g = 0; g < plan_->groups.size(); ++g) {
    ImGui::PushID(static_cast<int>(g));
    ImGui::PushFont(ctx.fonts.bold);
    ui::Text(ctx.strings->Format("groups.group", {{"n", std::to_string(g + 1)}}));
    ImGui::PopFont();
    if (!plan_->groups[g].reason.empty()) {
      ImGui::SameLine();
      ui::TextMuted(plan_->groups[g].reason);
    }
    DrawStudents(ctx, plan_->groups[g].learners);
    const std::vector<std::string>& members = plan_->groups[g].learners;
    if (!moving_.empty() && std::find(members.begin(), members.end(), moving_) == members.end()) {
      ImGui::SameLine();
      std::string here = ctx.T("groups.move_here") + "##move-" + std::to_string(g);
      if (ui::Button(here.c_str())) {
        MoveStudent(*plan_, moving_, g);
        moving_.clear();
        ImGui::PopID();
        break;  // the plan changed under the loop
      }
    }
    DrawAssign(ctx, g);
    ImGui::Spacing();
    ImGui::PopID();
  }
  if (!moving_.empty()) {
    std::string fresh = ctx.T("groups.new_group") + "##new-group";
    if (ui::Button(fresh.c_str())) {
      MoveStudent(*plan_, moving_, plan_->groups.size());
      moving_.clear();
    }
  }
  ImGui::Spacing();
  ui::TextMuted(ctx.T("groups.ready"));
  DrawStudents(ctx, plan_->ready);
  if (!plan_->unplaced.empty()) {
    ui::TextMuted(ctx.T("groups.unplaced"));
    DrawStudents(ctx, plan_->unplaced);
  }
  (void)unit;
  ImGui::EndChild();
}

void GroupsView::DrawAssign(AppContext& ctx, size_t g) {
  if (lessons_.empty()) return;
  size_t& pick = lesson_of_[g];
  ui::Choice("##lesson", lesson_titles_, &pick, ImGui::GetFontSize() * 16);
  ImGui::SameLine();
  std::string assign = ctx.T("groups.assign") + "##assign";
  if (ui::Button(assign.c_str())) {
    std::string name = ctx.strings->Format("groups.group", {{"n", std::to_string(g + 1)}});
    Result<std::string> saved = AssignToGroup(*ctx.store, ctx.teacher, *plan_, plan_->groups[g],
                                              name, lessons_[pick].id);
    if (saved.ok()) {
      std::string names;
      for (const std::string& l : plan_->groups[g].learners) {
        names += (names.empty() ? "" : ", ") + plan_->names[l];
      }
      message_ = ctx.strings->Format("groups.assigned",
                                     {{"lesson", lessons_[pick].title}, {"names", names}});
      ctx.Wrote();
    } else {
      error_ = saved.status().message();
    }
  }
}

}  // namespace cairn::gui
