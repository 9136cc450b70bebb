#include "views/teacher_sign_in_view.h"

#include "app/ui.h"

namespace cairn::gui {
namespace {

constexpr int kWrongBeforeLock = 5;
constexpr auto kLockFor = std::chrono::seconds(30);

}  // namespace

void TeacherSignInView::Reload(AppContext& ctx) {
  error_.clear();
  chosen_ = nullptr;
  if (ctx.pins == nullptr) {
    error_ = ctx.T("teacher.pins_unreadable");
    return;
  }
  Result<std::vector<TeacherTile>> teachers = ListTeachers(*ctx.store, *ctx.pins);
  if (!teachers.ok()) {
    error_ = teachers.status().message();
    return;
  }
  teachers_ = std::move(*teachers);
  for (const TeacherTile& t : teachers_) {
    if (t.id == chosen_id_ || teachers_.size() == 1) chosen_ = &t;
  }
  if (chosen_ != nullptr) chosen_id_ = chosen_->id;
  focus_ = true;
}

void TeacherSignInView::Draw(AppContext& ctx) {
  const float unit = ImGui::GetFontSize();
  std::string back = ctx.T("teacher.back_to_students") + "##back";
  if (ui::Button(back.c_str())) {
    pin_.clear();
    message_.clear();
    ctx.SignOut();
    return;
  }
  if (!error_.empty()) {
    ui::TextColoured(ui::kOrange, error_);
    return;
  }
  if (chosen_ == nullptr) {
    ImGui::PushFont(ctx.fonts.large);
    ui::Text(ctx.T("teacher.who"));
    ImGui::PopFont();
    if (teachers_.empty()) ui::TextMuted(ctx.T("teacher.none"));
    ImGui::PushFont(ctx.fonts.bold);
    for (size_t i = 0; i < teachers_.size(); ++i) {
      if (i % 4 != 0) ImGui::SameLine();
      std::string label = teachers_[i].name + "##teacher-" + teachers_[i].id;
      if (ui::Tile(label.c_str(), ui::kBlue, ImVec2(unit * 12, unit * 3.5f))) {
        chosen_ = &teachers_[i];
        chosen_id_ = chosen_->id;
        pin_.clear();
        message_.clear();
        focus_ = true;
      }
    }
    ImGui::PopFont();
    return;
  }
  DrawPinPad(ctx);
}

void TeacherSignInView::DrawPinPad(AppContext& ctx) {
  const float unit = ImGui::GetFontSize();
  ImGui::PushFont(ctx.fonts.large);
  ui::Text(chosen_->name);
  ImGui::PopFont();
  if (teachers_.size() > 1) {
    std::string other = ctx.T("teacher.not_me") + "##not-me";
    if (ui::Button(other.c_str())) {
      chosen_ = nullptr;
      chosen_id_.clear();
      pin_.clear();
      message_.clear();
      return;
    }
  }
  if (!chosen_->has_pin) {
    DrawChoosePin(ctx);
    return;
  }
  auto now = std::chrono::steady_clock::now();
  bool locked = now < locked_until_;
  ui::Text(ctx.T("teacher.enter_pin"));
  if (locked) ImGui::BeginDisabled();
  ImGui::PushFont(ctx.fonts.large);
  if (focus_) {
    ImGui::SetKeyboardFocusHere();
    focus_ = false;
  }
  bool entered = ui::InputText("##pin", &pin_, unit * 8,
                               ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal |
                                   ImGuiInputTextFlags_EnterReturnsTrue);
  Probe().AddItem(ctx.T("teacher.enter_pin"), true);
  ImGui::PopFont();
  if (entered) TrySignIn(ctx);

  // The pad: large targets for a touch screen.
  ImGui::PushFont(ctx.fonts.large);
  const ImVec2 key(unit * 3.6f, unit * 2.6f);
  static constexpr const char* kKeys[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9"};
  for (int i = 0; i < 9; ++i) {
    if (i % 3 != 0) ImGui::SameLine();
    if (ui::Tile(kKeys[i], IM_COL32(90, 110, 140, 255), key) && pin_.size() < 8) pin_ += kKeys[i];
  }
  if (ui::Tile("⌫##erase", ui::kGrey, key) && !pin_.empty()) pin_.pop_back();
  ImGui::SameLine();
  if (ui::Tile("0", IM_COL32(90, 110, 140, 255), key) && pin_.size() < 8) pin_ += "0";
  ImGui::SameLine();
  std::string ok = ctx.T("teacher.sign_in") + "##sign-in";
  ImGui::PopFont();
  ImGui::PushFont(ctx.fonts.bold);
  if (ui::Tile(ok.c_str(), ui::kGreen, key)) TrySignIn(ctx);
  ImGui::PopFont();
  if (locked) ImGui::EndDisabled();

  if (locked) {
    int seconds = static_cast<int>(
        std::chrono::duration_cast<std::chrono::seconds>(locked_until_ - now).count() + 1);
    ui::TextColoured(ui::kOrange,
                     ctx.strings->Format("teacher.locked", {{"n", std::to_string(seconds)}}));
  } else if (!message_.empty()) {
    ui::TextColoured(ui::kOrange, message_);
  }
}

void TeacherSignInView::TrySignIn(AppContext& ctx) {
  if (std::chrono::steady_clock::now() < locked_until_) return;
  if (!ctx.pins->Verify(chosen_->id, pin_)) {
    pin_.clear();
    focus_ = true;
    if (++wrong_ >= kWrongBeforeLock) {
      wrong_ = 0;
      locked_until_ = std::chrono::steady_clock::now() + kLockFor;
    }
    message_ = ctx.T("teacher.wrong_pin");
    return;
  }
  wrong_ = 0;
  SignIn(ctx);
}

void TeacherSignInView::DrawChoosePin(AppContext& ctx) {
  const float unit = ImGui::GetFontSize();
  ui::Text(ctx.strings->Format("teacher.choose_pin", {{"name", chosen_->name}}));
  const ImGuiInputTextFlags flags = ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal;
  ui::Text(ctx.T("teacher.new_pin"));
  ImGui::PushFont(ctx.fonts.large);
  if (focus_) {
    ImGui::SetKeyboardFocusHere();
    focus_ = false;
  }
  ui::InputText("##new-pin", &pin_, unit * 8, flags);
  ImGui::PopFont();
  Probe().AddItem(ctx.T("teacher.new_pin"), true);
  ui::Text(ctx.T("teacher.new_pin_again"));
  ImGui::PushFont(ctx.fonts.large);
  ui::InputText("##new-pin-again", &pin_again_, unit * 8, flags);
  ImGui::PopFont();
  Probe().AddItem(ctx.T("teacher.new_pin_again"), true);
  // Someone already teaches here: they vouch for the newcomer.
  if (!ctx.pins->empty()) {
    ui::Text(ctx.T("teacher.colleague_pin"));
    ImGui::PushFont(ctx.fonts.large);
    ui::InputText("##colleague-pin", &colleague_pin_, unit * 8, flags);
    ImGui::PopFont();
    Probe().AddItem(ctx.T("teacher.colleague_pin"), true);
  }
  std::string save = ctx.T("teacher.save_pin") + "##save-pin";
  ImGui::PushFont(ctx.fonts.bold);
  bool pressed = ui::Tile(save.c_str(), ui::kGreen, ImVec2(unit * 14, unit * 2.6f));
  ImGui::PopFont();
  if (!message_.empty()) ui::TextColoured(ui::kOrange, message_);
  if (!pressed) return;
  std::string problem = ChooseFirstPin(*ctx.pins, chosen_->id, pin_, pin_again_, colleague_pin_);
  if (!problem.empty()) {
    message_ = ctx.T(problem);
    pin_.clear();
    pin_again_.clear();
    colleague_pin_.clear();
    focus_ = true;
    return;
  }
  SignIn(ctx);
}

void TeacherSignInView::SignIn(AppContext& ctx) {
  pin_.clear();
  pin_again_.clear();
  colleague_pin_.clear();
  message_.clear();
  ctx.teacher = chosen_->id;
  ctx.teacher_name = chosen_->name;
  ctx.learner.clear();
  ctx.learner_name.clear();
  Result<std::vector<ClassTile>> classes = ClassesOf(*ctx.store, ctx.teacher);
  ctx.class_id = classes.ok() && !classes->empty() ? classes->front().id : "";
  ctx.Go(Screen::kClassGrid);
}

}  // namespace cairn::gui
