// The row of tabs on every teacher screen: the class shown (another one when the
// teacher has several), the grid, quick observation, groups.
#pragma once

#include <string>
#include <vector>

#include "app/context.h"
#include "cairn/gui/sign_in.h"

namespace cairn::gui {

class TeacherNav {
 public:
  void Reload(AppContext& ctx);
  void Draw(AppContext& ctx);

 private:
  std::vector<ClassTile> classes_;
};

}  // namespace cairn::gui
