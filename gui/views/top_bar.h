// The strip along the top of every screen: where you are, who is signed in,
// sync status, text size, language, sign out.
#pragma once

#include "app/context.h"

namespace cairn::gui {

class TopBar {
 public:
  void Draw(AppContext& ctx);
};

}  // namespace cairn::gui
