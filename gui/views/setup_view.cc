#include "views/setup_view.h"

#include <sstream>

#include "app/ui.h"

namespace cairn::gui {

void SetupView::Draw(AppContext& ctx) {
  ImGui::PushFont(ctx.fonts.large);
  ui::Text(ctx.T("setup.title"));
  ImGui::PopFont();
  ui::TextMuted(ctx.T("setup.intro"));
  ImGui::Spacing();

  const float field = ImGui::GetFontSize() * 20;
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("setup.standalone"));
  ImGui::PopFont();
  ui::Text(ctx.T("setup.school"));
  ui::InputText("##school", &school_, field);
  ui::Text(ctx.T("setup.class"));
  ui::InputText("##class", &class_name_, field);
  ui::Text(ctx.T("setup.students"));
  ui::InputMultiline("##students", &students_,
                     ImVec2(field, ImGui::GetTextLineHeightWithSpacing() * 6));
  if (!error_.empty()) ui::TextColoured(ui::kOrange, error_);
  std::string start = ctx.T("setup.start") + "##start";
  if (ui::Button(start.c_str())) {
    StandaloneSetup setup{school_, class_name_, {}};
    std::istringstream lines(students_);
    for (std::string line; std::getline(lines, line);) setup.learners.push_back(line);
    Status s = SetUpStandalone(*ctx.device, setup);
    if (s.ok()) {
      error_.clear();
      ctx.Go(Screen::kSignIn);
    } else {
      error_ = ctx.T("setup.failed") + " " + s.message();
    }
  }

  ImGui::Spacing();
  ImGui::Separator();
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("setup.join"));
  ImGui::PopFont();
  // Shown so people know it is coming; it does nothing until sync lands.
  ImGui::BeginDisabled();
  ui::InputText("##join-code", &join_code_, field / 2);
  ImGui::EndDisabled();
  ui::TextMuted(ctx.T("setup.join_later"));
}

}  // namespace cairn::gui
