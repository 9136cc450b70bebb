// Quick observation, built for the field: tap the students, then the skill (the
// last one used is already chosen), the level, Save. Saved on this device at
// once, network or not.
#pragma once

#include <string>
#include <vector>

#include "app/context.h"
#include "cairn/gui/class_grid.h"
#include "cairn/gui/observation.h"
#include "cairn/gui/sign_in.h"

namespace cairn::gui {

class ObserveView {
 public:
  void Reload(AppContext& ctx);
  void Draw(AppContext& ctx);

 private:
  void DrawStudents(AppContext& ctx);
  void DrawRest(AppContext& ctx);
  void Save(AppContext& ctx);
  bool Chosen(const std::string& learner) const;

  std::vector<LearnerTile> learners_;
  std::vector<std::pair<std::string, std::string>> competencies_;  // id, title
  ObservationDraft draft_;
  std::string saved_, error_;
};

}  // namespace cairn::gui
