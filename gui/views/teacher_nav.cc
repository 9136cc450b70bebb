#include "views/teacher_nav.h"

#include "app/ui.h"
#include "cairn/gui/class_grid.h"

namespace cairn::gui {

void TeacherNav::Reload(AppContext& ctx) {
  Result<std::vector<ClassTile>> classes = ClassesOf(*ctx.store, ctx.teacher);
  classes_ = classes.ok() ? std::move(*classes) : std::vector<ClassTile>{};
}

void TeacherNav::Draw(AppContext& ctx) {
  struct Tab {
    Screen screen;
    const char* key;
  };
  static constexpr Tab kTabs[] = {{Screen::kClassGrid, "teacher.tab_grid"},
                                  {Screen::kObserve, "teacher.tab_observe"},
                                  {Screen::kGroups, "teacher.tab_groups"}};
  ImGui::PushFont(ctx.fonts.bold);
  for (const Tab& tab : kTabs) {
    bool here = ctx.screen == tab.screen;
    std::string label = ctx.T(tab.key) + "##tab";
    if (ui::Tile(label.c_str(), here ? ui::kBlue : IM_COL32(120, 130, 150, 255),
                 ImVec2(0, ImGui::GetFontSize() * 2), here) &&
        !here) {
      ctx.Go(tab.screen);
    }
    ImGui::SameLine();
  }
  ImGui::PopFont();
  for (const ClassTile& c : classes_) {
    if (c.id != ctx.class_id) continue;
    ImGui::AlignTextToFramePadding();
    ui::Text("   " + c.name);
  }
  if (classes_.size() > 1) {
    ImGui::SameLine();
    std::string other = ctx.T("signin.other_class") + "##other-class";
    if (ui::Button(other.c_str())) ImGui::OpenPopup("##classes");
    if (ImGui::BeginPopup("##classes")) {
      for (const ClassTile& c : classes_) {
        std::string label = c.name + "##pick-" + c.id;
        if (ui::Button(label.c_str())) {
          ctx.class_id = c.id;
          ctx.reload = true;
          ImGui::CloseCurrentPopup();
        }
      }
      ImGui::EndPopup();
    }
  }
  ImGui::Spacing();
}

}  // namespace cairn::gui
