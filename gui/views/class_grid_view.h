// The class mastery grid: students down, competencies across, each cell coloured
// and marked by its state. Clicking a cell shows that student's evidence on that
// competency and the model's explanation; clicking a name opens their profile.
// The grid is built on data changes only (Reload); Draw reads it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "cairn/gui/class_grid.h"

namespace cairn::gui {

class ClassGridView {
 public:
  void Reload(AppContext& ctx);
  void Draw(AppContext& ctx);
  const std::optional<ClassGrid>& grid() const { return grid_; }
  const std::optional<CellDetail>& detail() const { return detail_; }  // the open cell

 private:
  void DrawGrid(AppContext& ctx);
  void DrawDetail(AppContext& ctx);
  void Select(AppContext& ctx, size_t row, size_t column);
  // The selected cell's lines, in the language shown.
  void BuildDetail(const AppContext& ctx);

  struct DetailRow {
    std::string text;
    ImU32 colour;
    bool indent;  // the item's prompt or the note, under its line
  };

  std::optional<ClassGrid> grid_;
  std::optional<CellDetail> detail_;
  std::vector<std::string> short_titles_;  // column headings, cut to fit
  std::vector<std::string> row_labels_;    // the name buttons' labels
  float measured_font_ = 0;                // the text size name_width_ and
  float name_width_ = 0, heading_height_ = 0;  // heading_height_ were measured at
  const Catalog* detail_strings_ = nullptr;    // the detail's lines, built in these
  std::string detail_title_, detail_state_;
  CellMark detail_mark_ = CellMark::kNotStarted;
  std::vector<DetailRow> detail_rows_;
  size_t row_ = 0, column_ = 0;            // the selected cell, when detail_
  uint64_t version_ = 0;                   // ctx.data_version the grid was built at
  std::string error_;
};

// Draws one cell's colour and mark in [min, max] (the grid and its legend).
void DrawCell(ImDrawList* draw, ImFont* font, ImVec2 min, ImVec2 max, CellMark mark, float p);

}  // namespace cairn::gui
