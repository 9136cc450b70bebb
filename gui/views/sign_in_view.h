// Sign-in on a shared device: choose your class (skipped when there is one),
// then your name from large coloured tiles.
#pragma once

#include <string>
#include <vector>

#include "app/context.h"
#include "cairn/gui/sign_in.h"

namespace cairn::gui {

class SignInView {
 public:
  void Reload(AppContext& ctx);  // the classes, and the learners of the chosen one
  void Draw(AppContext& ctx);

 private:
  void DrawTeacherButton(AppContext& ctx);
  std::vector<ClassTile> classes_;
  std::vector<LearnerTile> learners_;
  std::string class_id_, class_name_, error_;
};

}  // namespace cairn::gui
