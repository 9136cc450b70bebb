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
  ui::InputText("##school", &setup_.school, field);
  ui::Text(ctx.T("setup.class"));
  ui::InputText("##class", &setup_.class_name, field);
  ui::Text(ctx.T("setup.students"));
  ui::InputMultiline("##students", &students_,
                     ImVec2(field, ImGui::GetTextLineHeightWithSpacing() * 6));
  ui::Text(ctx.T("setup.teacher"));
  ui::InputText("##teacher", &setup_.teacher, field);
  const ImGuiInputTextFlags pin_flags =
      ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal;
  ui::Text(ctx.T("setup.pin"));
  ui::InputText("##pin", &setup_.pin, field / 3, pin_flags);
  Probe().AddItem(ctx.T("setup.pin"), true);
  ui::Text(ctx.T("setup.pin_again"));
  ui::InputText("##pin-again", &setup_.pin_again, field / 3, pin_flags);
  Probe().AddItem(ctx.T("setup.pin_again"), true);
  if (!error_.empty()) ui::TextColoured(ui::kOrange, error_);
  std::string start = ctx.T("setup.start") + "##start";
  if (ui::Button(start.c_str())) {
    setup_.learners.clear();
    std::istringstream lines(students_);
    for (std::string line; std::getline(lines, line);) setup_.learners.push_back(line);
    Result<std::string> teacher =
        ctx.pins != nullptr ? SetUpStandalone(*ctx.device, setup_, *ctx.pins)
                            : Result<std::string>(Status::FailedPrecondition(
                                  ctx.T("teacher.pins_unreadable")));
    setup_.pin.clear();
    setup_.pin_again.clear();
    if (teacher.ok()) {
      error_.clear();
      ctx.Wrote();
      ctx.Go(Screen::kSignIn);
    } else {
      error_ = ctx.T("setup.failed") + " " + teacher.status().message();
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
