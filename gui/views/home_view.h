// A student's home: my next steps (assigned first, then lessons to choose from)
// and my competencies with their badges.
#pragma once

#include <optional>
#include <string>

#include "app/context.h"
#include "cairn/gui/home.h"

namespace cairn::gui {

class HomeView {
 public:
  void Reload(AppContext& ctx);
  void Draw(AppContext& ctx);

 private:
  void DrawSteps(AppContext& ctx);
  void DrawCompetencies(AppContext& ctx);

  std::optional<HomeData> data_;
  std::string error_;
};

}  // namespace cairn::gui
