// First run on a device with no store: start a standalone classroom (a school,
// a class and its students). Enrolling with a school's join code comes with sync.
#pragma once

#include <string>

#include "app/context.h"

namespace cairn::gui {

class SetupView {
 public:
  void Draw(AppContext& ctx);

 private:
  std::string school_, class_name_, students_, join_code_, error_;
};

}  // namespace cairn::gui
