#include "views/setup_view.h"

#include <sstream>

#include "app/ui.h"
#include "cairn/platform/config.h"
#include "cairn/sync/client/device_identity.h"

namespace cairn::gui {

void SetupView::Draw(AppContext& ctx) {
  ImGui::PushFont(ctx.fonts.large);
  ui::Text(ctx.T("setup.title"));
  ImGui::PopFont();
  ui::TextMuted(ctx.T("setup.intro"));
  ImGui::Spacing();

  const float field = ImGui::GetFontSize() * 20;
  // A school laptop joins its school's server; a classroom without one starts here.
  if (DrawJoin(ctx, field)) return;
  ImGui::Spacing();
  ImGui::Separator();
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
}

// Joining the school's server, with the join code IT gave (or a whole
// enrollment token) and the server's address, prefilled from IT's
// configuration when it names one. When IT installed an enrollment token
// (`enrollment_token_file`), the device joins with it at once, by itself. The
// server answers off the UI thread. True when the device has just joined.
bool SetupView::DrawJoin(AppContext& ctx, float field) {
  if (!config_read_) {
    config_read_ = true;
    Config config = Config::Load(DefaultConfigSources());
    server_url_ = config.Value("server_url");
    // As cairnctl enrolls: this machine's fingerprint goes with the request, so
    // the server binds the credential to this machine from the start.
    device_ = sync::DeviceSyncSettingsFrom(config);
    if (std::string token = sync::ReadEnrollmentToken(device_.token_file); !token.empty()) {
      joining_ = Joining::Start({token, server_url_, ""}, ctx.wake, device_.options);
      joining_with_token_ = true;
    }
  }
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("setup.join"));
  ImGui::PopFont();
  ImGui::BeginGroup();
  ui::Text(ctx.T("setup.join_code"));
  ui::InputText("##join-code", &join_code_, field / 2,
                ImGuiInputTextFlags_CharsUppercase | ImGuiInputTextFlags_CharsNoBlank);
  Probe().AddItem(ctx.T("setup.join_code"), true);
  ImGui::EndGroup();
  ImGui::SameLine(0, ImGui::GetFontSize() * 2);
  ImGui::BeginGroup();
  ui::Text(ctx.T("setup.server"));
  ui::InputText("##server", &server_url_, field, ImGuiInputTextFlags_CharsNoBlank);
  Probe().AddItem(ctx.T("setup.server"), true);
  ImGui::EndGroup();

  if (joining_ && joining_->answered()) {
    Result<sync::SyncRecord> joined = joining_->Finish(*ctx.device);
    joining_.reset();
    if (joined.ok()) {
      join_error_.clear();
      ctx.joined = true;  // the App starts syncing
      ctx.Wrote();
      ctx.Go(Screen::kSignIn);
      return true;
    }
    join_error_ = ctx.T(joining_with_token_ ? "setup.token_failed" : "setup.join_failed") + " " +
                  joined.status().message();
    joining_with_token_ = false;
  }
  if (joining_) {
    ui::TextMuted(ctx.T(joining_with_token_ ? "setup.joining_with_token" : "setup.joining"));
    return false;
  }
  if (!join_error_.empty()) ui::TextColoured(ui::kOrange, join_error_);
  std::string join = ctx.T("setup.join_button") + "##join";
  if (ui::Button(join.c_str())) {
    join_error_.clear();
    joining_ = Joining::Start({join_code_, server_url_, ""}, ctx.wake, device_.options);
  }
  return false;
}

}  // namespace cairn::gui
