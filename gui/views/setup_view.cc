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
  // A label above its field; the field is found by that label in scripts.
  auto labelled = [&](const std::string& label, const char* id, std::string* value, float width,
                      ImGuiInputTextFlags flags = 0) {
    ui::Text(label);
    ui::InputText(id, value, width, flags);
    Probe().AddItem(label, true);
  };
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("setup.standalone"));
  ImGui::PopFont();
  // Two columns, so that the form and its button fit a 1280 × 800 screen.
  ImGui::BeginGroup();
  labelled(ctx.T("setup.school"), "##school", &setup_.school, field);
  labelled(ctx.T("setup.class"), "##class", &setup_.class_name, field);
  labelled(ctx.T("setup.teacher"), "##teacher", &setup_.teacher, field);
  ImGui::EndGroup();
  float column_height = ImGui::GetItemRectSize().y;
  ImGui::SameLine(0, ImGui::GetFontSize() * 2);
  ImGui::BeginGroup();
  ui::Text(ctx.T("setup.students"));
  ui::InputMultiline("##students", &students_,
                     ImVec2(field, column_height - ImGui::GetTextLineHeightWithSpacing() -
                                       ImGui::GetStyle().ItemSpacing.y));
  Probe().AddItem(ctx.T("setup.students"), true);
  ImGui::EndGroup();
  const ImGuiInputTextFlags pin_flags =
      ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal;
  ImGui::BeginGroup();
  labelled(ctx.T("setup.pin"), "##pin", &setup_.pin, field / 3, pin_flags);
  ImGui::EndGroup();
  ImGui::SameLine(0, ImGui::GetFontSize() * 2);
  ImGui::BeginGroup();
  labelled(ctx.T("setup.pin_again"), "##pin-again", &setup_.pin_again, field / 3, pin_flags);
  ImGui::EndGroup();
  if (!error_.empty()) ui::TextColoured(ui::kOrange, error_);
  std::string start = ctx.T("setup.start") + "##start";
  if (ui::Button(start.c_str())) {
    setup_.learners.clear();
    std::istringstream lines(students_);
    for (std::string line; std::getline(lines, line);) setup_.learners.push_back(line);
    Result<std::string> teacher =
        ctx.pins != nullptr
            ? SetUpStandalone(*ctx.device, setup_, *ctx.pins)
            : Result<std::string>(Status::FailedPrecondition(ctx.T("teacher.pins_unreadable")));
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
