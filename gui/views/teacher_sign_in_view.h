// A teacher signs in: their name, then their PIN (typed, or tapped on a pad).
// Five wrong PINs in a row lock the pad for half a minute.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "app/context.h"
#include "cairn/gui/class_grid.h"

namespace cairn::gui {

class TeacherSignInView {
 public:
  void Reload(AppContext& ctx);
  void Draw(AppContext& ctx);

 private:
  void DrawPinPad(AppContext& ctx);
  // The chosen teacher has no PIN here yet: they choose one (ChooseFirstPin).
  void DrawChoosePin(AppContext& ctx);
  void TrySignIn(AppContext& ctx);
  void SignIn(AppContext& ctx);  // the PIN was right, or has just been chosen

  std::vector<TeacherTile> teachers_;
  const TeacherTile* chosen_ = nullptr;
  std::string chosen_id_, pin_, message_, error_;
  std::string pin_again_, colleague_pin_;  // choosing a first PIN
  int wrong_ = 0;
  std::chrono::steady_clock::time_point locked_until_{};
  bool focus_ = false;
};

}  // namespace cairn::gui
