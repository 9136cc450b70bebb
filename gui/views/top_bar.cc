#include "views/top_bar.h"

#include "app/ui.h"
#include "cairn/gui/settings.h"

namespace cairn::gui {

void TopBar::Draw(AppContext& ctx) {
  ImGui::PushFont(ctx.fonts.bold);
  ui::TextColoured(ui::kBlue, ctx.T("app.name"));
  ImGui::PopFont();
  ImGui::SameLine();
  SyncSnapshot sync = ctx.sync != nullptr ? ctx.sync->Snapshot() : SyncSnapshot{};
  ImGui::TextUnformatted("   ");
  ImGui::SameLine();
  ImGui::PushTextWrapPos(-1);
  std::string status = ctx.T(SyncStateKey(sync.state));
  if (sync.state == SyncState::kUpToDate && sync.last_success_ms > 0) {
    status = ctx.strings->Format("sync.up_to_date_at", {{"when", ui::DayTime(sync.last_success_ms)}});
  }
  if (sync.state == SyncState::kError && !sync.message.empty()) status += ": " + sync.message;
  // Teachers see what is waiting to go (students need not worry about it).
  if (!ctx.teacher.empty()) {
    if (sync.state == SyncState::kStandalone) {
      status += " · " + ctx.strings->Format("sync.records_here", {{"n", std::to_string(sync.own_ops)}});
    } else if (sync.pending_ops > 0) {
      status += " · " + ctx.strings->Format("sync.pending", {{"n", std::to_string(sync.pending_ops)}});
    }
  }
  ui::TextMuted(status);
  ImGui::PopTextWrapPos();

  // Right-aligned controls, laid out from the right edge.
  const ImGuiStyle& style = ImGui::GetStyle();
  auto width = [&](const std::string& label) {
    return ImGui::CalcTextSize(label.c_str()).x + style.FramePadding.x * 2;
  };
  std::string smaller = ctx.T("top.text_smaller") + "##text-smaller";
  std::string bigger = ctx.T("top.text_bigger") + "##text-bigger";
  std::string language = ctx.T("top.other_language") + "##language";
  std::string contrast = ctx.T("top.contrast") + "##contrast";
  std::string sign_out = ctx.T("top.sign_out") + "##sign-out";
  float total = width(ctx.T("top.text_smaller")) + width(ctx.T("top.text_bigger")) +
                width(ctx.T("top.contrast")) + width(ctx.T("top.other_language")) +
                style.ItemSpacing.x * 4;
  bool signed_in = !ctx.learner.empty() || !ctx.teacher.empty();
  if (signed_in) total += width(ctx.T("top.sign_out")) + style.ItemSpacing.x;
  ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - total);
  if (ui::Button(smaller.c_str()) && ctx.text_size > kMinTextSize + 3) {
    ctx.text_size -= 4;
    ctx.text_size_changed = true;
  }
  ImGui::SameLine();
  if (ui::Button(bigger.c_str()) && ctx.text_size < kMaxTextSize - 3) {
    ctx.text_size += 4;
    ctx.text_size_changed = true;
  }
  ImGui::SameLine();
  if (ui::Button(contrast.c_str())) {
    ctx.high_contrast = !ctx.high_contrast;
    ctx.contrast_changed = true;
  }
  ImGui::SameLine();
  if (ui::Button(language.c_str())) {
    ctx.language = ctx.language == "es" ? "en" : "es";
    ctx.language_changed = true;
  }
  if (signed_in) {
    ImGui::SameLine();
    if (ui::Button(sign_out.c_str())) ctx.SignOut();
  }
  ImGui::Separator();
  ImGui::Spacing();
}

}  // namespace cairn::gui
