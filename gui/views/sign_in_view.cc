#include "views/sign_in_view.h"

#include <algorithm>
#include <cmath>

#include "app/ui.h"

namespace cairn::gui {

void SignInView::Reload(AppContext& ctx) {
  error_.clear();
  Result<std::vector<ClassTile>> classes = ListClasses(*ctx.store);
  if (!classes.ok()) {
    error_ = classes.status().message();
    return;
  }
  classes_ = std::move(*classes);
  if (classes_.size() == 1) {
    class_id_ = classes_[0].id;
    class_name_ = classes_[0].name;
  }
  learners_.clear();
  if (class_id_.empty()) return;
  Result<std::vector<LearnerTile>> learners = ListLearners(*ctx.store, class_id_);
  if (!learners.ok()) {
    error_ = learners.status().message();
    return;
  }
  learners_ = std::move(*learners);
}

namespace {

// Lays out `n` tiles of at least `min_width` in rows across the window.
struct Grid {
  int columns;
  ImVec2 tile;
};
Grid Layout(size_t n, float min_width, float height) {
  float avail = ImGui::GetContentRegionAvail().x;
  float gap = ImGui::GetStyle().ItemSpacing.x;
  int columns = std::max(1, static_cast<int>((avail + gap) / (min_width + gap)));
  columns = std::min(columns, std::max(1, static_cast<int>(n)));
  columns = std::min(columns, 5);
  float width = std::floor((avail - gap * static_cast<float>(columns - 1)) / columns);
  return {columns, ImVec2(std::min(width, min_width * 1.6f), height)};
}

}  // namespace

// Teachers sign in from the same screen, out of the way of the students' tiles.
void SignInView::DrawTeacherButton(AppContext& ctx) {
  std::string label = ctx.T("signin.teacher") + "##teacher";
  ImVec2 keep = ImGui::GetCursorPos();
  float width = ImGui::CalcTextSize(ctx.T("signin.teacher").c_str()).x +
                ImGui::GetStyle().FramePadding.x * 2;
  ImGui::SetCursorPos(ImVec2(ImGui::GetWindowContentRegionMax().x - width, keep.y));
  if (ui::Button(label.c_str())) ctx.Go(Screen::kTeacherSignIn);
  ImGui::SetCursorPos(keep);
}

void SignInView::Draw(AppContext& ctx) {
  if (!error_.empty()) {
    ui::TextColoured(ui::kOrange, error_);
    return;
  }
  const float unit = ImGui::GetFontSize();
  DrawTeacherButton(ctx);
  if (class_id_.empty()) {
    ImGui::PushFont(ctx.fonts.large);
    ui::Text(ctx.T("signin.choose_class"));
    ImGui::PopFont();
    ImGui::Spacing();
    if (classes_.empty()) {
      // A device that just joined its school has no classes until its first sync.
      SyncSnapshot sync = ctx.sync != nullptr ? ctx.sync->Snapshot() : SyncSnapshot{};
      bool first_sync_due = sync.state != SyncState::kStandalone && sync.last_success_ms == 0;
      ui::TextMuted(ctx.T(first_sync_due ? "signin.waiting_for_school" : "signin.no_classes"));
    }
    Grid g = Layout(classes_.size(), unit * 12, unit * 4);
    for (size_t i = 0; i < classes_.size(); ++i) {
      if (i % g.columns != 0) ImGui::SameLine();
      std::string label = classes_[i].name + "##class-" + classes_[i].id;
      if (ui::Tile(label.c_str(), ui::kBlue, g.tile)) {
        class_id_ = classes_[i].id;
        class_name_ = classes_[i].name;
        Reload(ctx);
      }
    }
    return;
  }

  ImGui::PushFont(ctx.fonts.large);
  ui::Text(ctx.T("signin.choose_name"));
  ImGui::PopFont();
  ui::TextMuted(class_name_);
  if (classes_.size() > 1) {
    ImGui::SameLine();
    std::string other = ctx.T("signin.other_class") + "##other-class";
    if (ui::Button(other.c_str())) {
      class_id_.clear();
      learners_.clear();
      return;
    }
  }
  ImGui::Spacing();
  if (learners_.empty()) ui::TextMuted(ctx.T("signin.no_learners"));
  Grid g = Layout(learners_.size(), unit * 9, unit * 4.5f);
  ImGui::PushFont(ctx.fonts.large);
  for (size_t i = 0; i < learners_.size(); ++i) {
    if (i % g.columns != 0) ImGui::SameLine();
    const LearnerTile& l = learners_[i];
    std::string label = l.name + "##learner-" + l.id;
    if (ui::Tile(label.c_str(), ui::TileColour(l.colour), g.tile)) {
      Status s = RecordSignIn(*ctx.store, l.id);
      if (!s.ok()) {
        error_ = s.message();
      } else {
        ctx.learner = l.id;
        ctx.learner_name = l.name;
        ctx.Wrote();
        ctx.Go(Screen::kHome);
      }
    }
  }
  ImGui::PopFont();
}

}  // namespace cairn::gui
