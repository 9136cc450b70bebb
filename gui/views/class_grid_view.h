// The class mastery grid: students down, competencies across, each cell coloured
// and marked by its state. Clicking a cell shows that student's evidence on that
// competency and the model's explanation; clicking a name opens their profile.
// The grid is built on data changes only (Reload); Draw reads it.
#pragma once

#include <optional>
#include <string>

#include "app/context.h"
#include "cairn/gui/class_grid.h"

namespace cairn::gui {

class ClassGridView {
 public:
  void Reload(AppContext& ctx);
  void Draw(AppContext& ctx);
  const std::optional<ClassGrid>& grid() const { return grid_; }

 private:
  void DrawGrid(AppContext& ctx);
  void DrawDetail(AppContext& ctx);
  void Select(AppContext& ctx, size_t row, size_t column);

  std::optional<ClassGrid> grid_;
  std::optional<CellDetail> detail_;
  std::vector<std::string> short_titles_;  // column headings, cut to fit
  size_t row_ = 0, column_ = 0;            // the selected cell, when detail_
  std::string error_;
};

// Draws one cell's colour and mark in [min, max] (the grid and its legend).
void DrawCell(ImDrawList* draw, ImFont* font, ImVec2 min, ImVec2 max, CellMark mark, float p);

}  // namespace cairn::gui
