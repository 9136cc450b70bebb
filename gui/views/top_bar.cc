#include "views/top_bar.h"

#include "app/ui.h"
#include "cairn/gui/settings.h"

namespace cairn::gui {

const std::string& TopBar::StatusText(const AppContext& ctx, const SyncSnapshot& sync) {
  StatusKey key{ctx.strings,  !ctx.teacher.empty(), sync.state,  sync.pending_ops,
                sync.own_ops, sync.last_success_ms, sync.message};
  if (status_key_ == key) return status_;
  status_key_ = key;
  status_ = ctx.T(SyncStateKey(sync.state));
  if (sync.state == SyncState::kUpToDate && sync.last_success_ms > 0) {
    status_ =
        ctx.strings->Format("sync.up_to_date_at", {{"when", ui::DayTime(sync.last_success_ms)}});
  }
  if ((sync.state == SyncState::kError || sync.state == SyncState::kWaiting) &&
      !sync.message.empty()) {
    status_ += ": " + sync.message;
  }
  if (key.teacher && sync.state == SyncState::kStandalone) {
    status_ +=
        " · " + ctx.strings->Format("sync.records_here", {{"n", std::to_string(sync.own_ops)}});
  } else if (sync.pending_ops > 0 && sync.state != SyncState::kStandalone &&
             (key.teacher || sync.state != SyncState::kOffline)) {
    // A teacher wants the count; a student, that the work is safe here.
    status_ += " · " + (key.teacher ? ctx.strings->Format("sync.pending",
                                                          {{"n", std::to_string(sync.pending_ops)}})
                                    : ctx.T("sync.saved_here"));
  }
  return status_;
}

void TopBar::Layout(const AppContext& ctx, bool signed_in) {
  float font = ImGui::GetFontSize();
  if (laid_out_strings_ == ctx.strings && laid_out_font_ == font &&
      laid_out_signed_in_ == signed_in) {
    return;
  }
  laid_out_strings_ = ctx.strings;
  laid_out_font_ = font;
  laid_out_signed_in_ = signed_in;
  const ImGuiStyle& style = ImGui::GetStyle();
  buttons_width_ = 0;
  auto label = [&](std::string& out, std::string_view key, std::string_view id) {
    const std::string& text = ctx.T(key);
    out = text + std::string(id);
    buttons_width_ += ImGui::CalcTextSize(text.c_str()).x + style.FramePadding.x * 2;
  };
  label(smaller_, "top.text_smaller", "##text-smaller");
  label(bigger_, "top.text_bigger", "##text-bigger");
  label(language_, "top.other_language", "##language");
  label(contrast_, "top.contrast", "##contrast");
  buttons_width_ += style.ItemSpacing.x * 4;
  if (signed_in) {
    label(sign_out_, "top.sign_out", "##sign-out");
    buttons_width_ += style.ItemSpacing.x;
  }
}

void TopBar::Draw(AppContext& ctx) {
  ImGui::PushFont(ctx.fonts.bold);
  ui::TextColoured(ui::kBlue, ctx.T("app.name"));
  ImGui::PopFont();
  ImGui::SameLine();
  SyncSnapshot sync = ctx.sync != nullptr ? ctx.sync->Snapshot() : SyncSnapshot{};
  ImGui::TextUnformatted("   ");
  ImGui::SameLine();
  ImGui::PushTextWrapPos(-1);
  const std::string& status = StatusText(ctx, sync);
  if (sync.state == SyncState::kError || sync.state == SyncState::kOffline) {
    ui::TextColoured(ui::kOrange, status);
  } else {
    ui::TextMuted(status);
  }
  // The sync thread's own words (which server, what failed) for whoever asks.
  if (!sync.message.empty() && sync.state != SyncState::kError && ImGui::IsItemHovered()) {
    ImGui::SetTooltip("%s", sync.message.c_str());
  }
  ImGui::PopTextWrapPos();

  // Right-aligned controls, laid out from the right edge.
  bool signed_in = !ctx.learner.empty() || !ctx.teacher.empty();
  Layout(ctx, signed_in);
  ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - buttons_width_);
  if (ui::Button(smaller_.c_str()) && ctx.text_size > kMinTextSize + 3) {
    ctx.text_size -= 4;
    ctx.text_size_changed = true;
  }
  ImGui::SameLine();
  if (ui::Button(bigger_.c_str()) && ctx.text_size < kMaxTextSize - 3) {
    ctx.text_size += 4;
    ctx.text_size_changed = true;
  }
  ImGui::SameLine();
  if (ui::Button(contrast_.c_str())) {
    ctx.high_contrast = !ctx.high_contrast;
    ctx.contrast_changed = true;
  }
  ImGui::SameLine();
  if (ui::Button(language_.c_str())) {
    ctx.language = ctx.language == "es" ? "en" : "es";
    ctx.language_changed = true;
  }
  if (signed_in) {
    ImGui::SameLine();
    if (ui::Button(sign_out_.c_str())) ctx.SignOut();
  }
  ImGui::Separator();
  ImGui::Spacing();
}

}  // namespace cairn::gui
