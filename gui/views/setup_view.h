// First run on a device with no store: start a standalone classroom (a school,
// a class, its students, and its teacher with the PIN they choose). Enrolling
// with a school's join code is still cairnctl's.
#pragma once

#include <string>

#include "app/context.h"

namespace cairn::gui {

class SetupView {
 public:
  void Draw(AppContext& ctx);

 private:
  StandaloneSetup setup_;  // learners come from students_, one per line
  std::string students_, join_code_, error_;
};

}  // namespace cairn::gui
