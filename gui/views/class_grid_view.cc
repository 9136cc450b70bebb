#include "views/class_grid_view.h"

#include <algorithm>
#include <cmath>

#include "app/ui.h"

namespace cairn::gui {
namespace {

constexpr float kHeadingAngle = -0.7854f;  // 45° up to the right
constexpr size_t kHeadingChars = 24;

// Cuts `text` to at most `n` characters (UTF-8 aware), with an ellipsis.
std::string Cut(const std::string& text, size_t n) {
  size_t chars = 0, at = 0;
  for (; at < text.size(); ++at) {
    if ((static_cast<unsigned char>(text[at]) & 0xc0) != 0x80 && chars++ == n) break;
  }
  return at < text.size() ? text.substr(0, at) + "…" : text;
}

const char* StateKey(CellMark mark) {
  switch (mark) {
    case CellMark::kNotStarted:
      return "grid.not_started";
    case CellMark::kNotEnoughEvidence:
      return "grid.not_enough";
    case CellMark::kInProgress:
      return "grid.in_progress";
    case CellMark::kStuck:
      return "grid.stuck";
    case CellMark::kMastered:
      return "grid.mastered";
  }
  return "grid.not_started";
}

ImU32 Blend(ImU32 a, ImU32 b, float t) {
  ImVec4 x = ImGui::ColorConvertU32ToFloat4(a), y = ImGui::ColorConvertU32ToFloat4(b);
  return ImGui::ColorConvertFloat4ToU32(ImVec4(x.x + (y.x - x.x) * t, x.y + (y.y - x.y) * t,
                                               x.z + (y.z - x.z) * t, 1));
}

}  // namespace

void DrawCell(ImDrawList* draw, ImFont* font, ImVec2 min, ImVec2 max, CellMark mark, float p) {
  const char* glyph = nullptr;
  ImU32 fill = 0, ink = 0;
  switch (mark) {
    case CellMark::kNotStarted:
      fill = IM_COL32(238, 238, 240, 255);
      break;
    case CellMark::kNotEnoughEvidence:
      fill = IM_COL32(255, 255, 255, 255);
      ink = IM_COL32(70, 70, 80, 255);
      glyph = "?";
      break;
    case CellMark::kInProgress:
      fill = Blend(IM_COL32(214, 228, 247, 255), IM_COL32(120, 162, 222, 255),
                   std::clamp(p, 0.0f, 1.0f));
      ink = IM_COL32(20, 50, 110, 255);
      glyph = "◐";
      break;
    case CellMark::kStuck:
      fill = IM_COL32(252, 214, 170, 255);
      ink = IM_COL32(150, 60, 0, 255);
      glyph = "!";
      break;
    case CellMark::kMastered:
      fill = IM_COL32(34, 130, 80, 255);
      ink = IM_COL32_WHITE;
      glyph = "★";
      break;
  }
  draw->AddRectFilled(min, max, fill, 4.0f);
  if (mark == CellMark::kNotEnoughEvidence) {
    // Hatching: "not enough evidence" reads without colour.
    draw->PushClipRect(min, max, true);
    float h = max.y - min.y;
    for (float x = min.x - h; x < max.x; x += h / 4) {
      draw->AddLine(ImVec2(x, max.y), ImVec2(x + h, min.y), IM_COL32(190, 190, 200, 255), 1.0f);
    }
    draw->PopClipRect();
    draw->AddRect(min, max, IM_COL32(150, 150, 160, 255), 4.0f);
  }
  if (glyph != nullptr) {
    float size = (max.y - min.y) * 0.6f;
    ImVec2 extent = font->CalcTextSizeA(size, FLT_MAX, 0, glyph);
    draw->AddText(font, size,
                  ImVec2((min.x + max.x - extent.x) / 2, (min.y + max.y - extent.y) / 2), ink,
                  glyph);
  }
}

void ClassGridView::Reload(AppContext& ctx) {
  error_.clear();
  Result<ClassGrid> grid = LoadClassGrid(*ctx.store, ctx.class_id);
  if (!grid.ok()) {
    grid_.reset();
    error_ = grid.status().message();
    return;
  }
  grid_ = std::move(*grid);
  short_titles_.clear();
  for (const std::string& t : grid_->titles) short_titles_.push_back(Cut(t, kHeadingChars));
  if (detail_) {
    // New evidence may have come in for the cell on show; rows and columns may
    // have moved (a student added or renamed by a sync): find it again by id.
    auto row = std::find(grid_->learners.begin(), grid_->learners.end(), detail_->learner);
    auto column = std::find(grid_->competencies.begin(), grid_->competencies.end(),
                            detail_->competency);
    if (row != grid_->learners.end() && column != grid_->competencies.end()) {
      Select(ctx, static_cast<size_t>(row - grid_->learners.begin()),
             static_cast<size_t>(column - grid_->competencies.begin()));
    } else {
      detail_.reset();
    }
  }
}

void ClassGridView::Select(AppContext& ctx, size_t row, size_t column) {
  row_ = row;
  column_ = column;
  Result<CellDetail> d =
      LoadCellDetail(*ctx.store, grid_->learners[row], grid_->competencies[column]);
  if (!d.ok()) {
    error_ = d.status().message();
    detail_.reset();
    return;
  }
  detail_ = std::move(*d);
}

void ClassGridView::Draw(AppContext& ctx) {
  if (!error_.empty()) ui::TextColoured(ui::kOrange, error_);
  if (!grid_) return;
  if (grid_->learners.empty()) {
    ui::TextMuted(ctx.T("grid.no_students"));
    return;
  }
  float avail = ImGui::GetContentRegionAvail().x;
  float detail_width = detail_ ? std::min(avail * 0.4f, ImGui::GetFontSize() * 24) : 0;
  ImGui::BeginChild("##grid", ImVec2(avail - detail_width, 0), false,
                    ImGuiWindowFlags_HorizontalScrollbar);
  DrawGrid(ctx);
  ImGui::EndChild();
  if (detail_) {
    ImGui::SameLine();
    ImGui::BeginChild("##detail", ImVec2(0, 0), true);
    DrawDetail(ctx);
    ImGui::EndChild();
  }
}

void ClassGridView::DrawGrid(AppContext& ctx) {
  const ClassGrid& g = *grid_;
  const float unit = ImGui::GetFontSize();
  const float cell = std::round(unit * 1.9f), gap = 3;
  const float heading_size = unit * 0.8f;
  ImFont* font = ImGui::GetFont();
  ImDrawList* draw = ImGui::GetWindowDrawList();

  float name_width = unit * 4;
  for (const std::string& n : g.names) {
    name_width = std::max(name_width, ImGui::CalcTextSize(n.c_str()).x);
  }
  name_width = std::min(name_width, unit * 11) + unit;
  float heading_height = 0;
  for (const std::string& t : short_titles_) {
    heading_height =
        std::max(heading_height, font->CalcTextSizeA(heading_size, FLT_MAX, 0, t.c_str()).x);
  }
  heading_height = heading_height * 0.7071f + unit;

  const size_t rows = g.learners.size(), columns = g.competencies.size();
  ImVec2 origin = ImGui::GetCursorScreenPos();
  ImVec2 body(origin.x + name_width, origin.y + heading_height);
  float width = name_width + columns * (cell + gap) + heading_height;
  float height = heading_height + rows * (cell + gap);

  // Column headings, turned so long titles fit over narrow columns.
  for (size_t c = 0; c < columns; ++c) {
    float x = body.x + c * (cell + gap) + cell * 0.35f;
    bool selected = detail_ && c == column_;
    ui::TextRotated(draw, font, heading_size, ImVec2(x, body.y - unit * 0.3f),
                    selected ? ImGui::GetColorU32(ImVec4(0.15f, 0.39f, 0.73f, 1))
                             : ImGui::GetColorU32(ImGuiCol_Text),
                    short_titles_[c], kHeadingAngle);
  }
  // Rows: a name (opens the profile), then the cells.
  ImGui::SetCursorScreenPos(body);
  ImGui::InvisibleButton("##cells", ImVec2(columns * (cell + gap), rows * (cell + gap)));
  bool hovered = ImGui::IsItemHovered(), clicked = ImGui::IsItemClicked();
  ImVec2 mouse = ImGui::GetIO().MousePos;
  int hover_row = -1, hover_column = -1;
  if (hovered) {
    hover_row = static_cast<int>((mouse.y - body.y) / (cell + gap));
    hover_column = static_cast<int>((mouse.x - body.x) / (cell + gap));
    if (hover_row >= static_cast<int>(rows) || hover_column >= static_cast<int>(columns)) {
      hover_row = hover_column = -1;
    }
  }
  ImVec2 clip_min = ImGui::GetWindowPos(), clip_max(clip_min.x + ImGui::GetWindowSize().x,
                                                   clip_min.y + ImGui::GetWindowSize().y);
  bool detailed = Probe().detailed();
  for (size_t r = 0; r < rows; ++r) {
    float y = body.y + r * (cell + gap);
    if (y > clip_max.y || y + cell < clip_min.y) continue;  // scrolled out of sight
    ImGui::SetCursorScreenPos(ImVec2(origin.x, y));
    std::string label = g.names[r] + "##name-" + g.learners[r];
    bool row_selected = detail_ && r == row_;
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0, 0, 0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_ButtonTextAlign, ImVec2(0, 0.5f));
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(unit * 0.2f, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, row_selected ? 2.0f : 0.0f);
    if (ui::Button(label.c_str(), ImVec2(name_width - unit * 0.5f, cell))) {
      ctx.student = g.learners[r];
      ctx.Go(Screen::kStudentProfile);
    }
    ImGui::PopStyleVar(3);
    ImGui::PopStyleColor();
    for (size_t c = 0; c < columns; ++c) {
      ImVec2 min(body.x + c * (cell + gap), y), max(min.x + cell, y + cell);
      if (max.x < clip_min.x || min.x > clip_max.x) continue;
      const GridCell& gc = g.At(r, c);
      DrawCell(draw, font, min, max, gc.mark, gc.p_mastered);
      bool selected = detail_ && r == row_ && c == column_;
      if (selected || (static_cast<int>(r) == hover_row && static_cast<int>(c) == hover_column)) {
        draw->AddRect(ImVec2(min.x - 2, min.y - 2), ImVec2(max.x + 2, max.y + 2),
                      IM_COL32(20, 20, 30, 255), 4.0f, 0, selected ? 3.0f : 1.5f);
      }
      if (detailed) Probe().AddArea(g.names[r] + " · " + g.titles[c], min, max);
    }
  }
  if (hover_row >= 0) {
    const GridCell& gc = g.At(hover_row, hover_column);
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(g.names[hover_row].c_str());
    ImGui::TextUnformatted(g.titles[hover_column].c_str());
    std::string state = ctx.T(StateKey(gc.mark));
    if (gc.mark != CellMark::kNotStarted) state += " · " + MasteryPercent(gc.p_mastered);
    ImGui::TextUnformatted(state.c_str());
    ImGui::EndTooltip();
    if (clicked) Select(ctx, hover_row, hover_column);
  }
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + height + unit * 0.6f));

  // The legend: every mark with its words.
  static constexpr CellMark kMarks[] = {CellMark::kNotStarted, CellMark::kNotEnoughEvidence,
                                        CellMark::kInProgress, CellMark::kStuck,
                                        CellMark::kMastered};
  for (CellMark m : kMarks) {
    if (m != kMarks[0]) {
      float need = unit * 2.4f + ImGui::CalcTextSize(ctx.T(StateKey(m)).c_str()).x;
      if (ImGui::GetCursorScreenPos().x + need > clip_max.x) ImGui::NewLine();
    }
    ImVec2 at = ImGui::GetCursorScreenPos();
    DrawCell(draw, font, at, ImVec2(at.x + unit * 1.2f, at.y + unit * 1.2f), m, 0.5f);
    ImGui::Dummy(ImVec2(unit * 1.2f, unit * 1.2f));
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(ctx.T(StateKey(m)).c_str());
    Probe().AddText(ctx.T(StateKey(m)));
    ImGui::SameLine(0, unit);
  }
  ImGui::NewLine();
  ui::TextMuted(ctx.T("grid.click_hint"));
  ImGui::Dummy(ImVec2(width, 1));
}

void ClassGridView::DrawDetail(AppContext& ctx) {
  const CellDetail& d = *detail_;
  const float unit = ImGui::GetFontSize();
  std::string close = ctx.T("grid.close") + "##close-detail";
  if (ui::Button(close.c_str())) {
    detail_.reset();
    return;
  }
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(d.name + " · " + d.title);
  ImGui::PopFont();
  CellMark mark = MarkOf(d.estimate, StuckRule{});
  ImVec2 at = ImGui::GetCursorScreenPos();
  DrawCell(ImGui::GetWindowDrawList(), ImGui::GetFont(), at,
           ImVec2(at.x + unit * 1.2f, at.y + unit * 1.2f), mark, d.estimate.p_mastered);
  ImGui::Dummy(ImVec2(unit * 1.2f, unit * 1.2f));
  ImGui::SameLine();
  if (mark == CellMark::kNotStarted) {
    ui::Text(ctx.T(StateKey(mark)));
  } else {
    ui::Text(ctx.T(StateKey(mark)) + " · " +
             ctx.strings->Format("grid.likely", {{"p", MasteryPercent(d.estimate.p_mastered)}}));
    if (!d.estimate.explanation.empty()) ui::TextMuted(d.estimate.explanation);
  }
  std::string observe = ctx.T("grid.observe_this") + "##observe-this";
  if (ui::Button(observe.c_str())) {
    ctx.observe_learners = {d.learner};
    ctx.observe_competency = d.competency;
    ctx.Go(Screen::kObserve);
    return;
  }
  ImGui::Separator();
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("grid.evidence"));
  ImGui::PopFont();
  if (d.timeline.empty()) ui::TextMuted(ctx.T("grid.no_evidence"));
  for (const TimelineEntry& t : d.timeline) {
    std::string day = ui::Day(HlcMillis(t.when));
    std::string line;
    ImU32 colour = ui::kGrey;
    if (t.observation) {
      line = day + "  " +
             ctx.strings->Format("grid.observed",
                                 {{"level", ctx.T("level." + std::to_string(t.level))},
                                  {"teacher", t.teacher}});
      colour = ui::kBlue;
    } else {
      line = day + "  " + (t.correct ? "✓ " : "✗ ") +
             ctx.strings->Format(t.correct ? "grid.answered_right" : "grid.answered_wrong",
                                 {{"response", t.response}});
      colour = t.correct ? ui::kGreen : ui::kOrange;
    }
    if (t.withdrawn) {
      line += "  (" + ctx.T("grid.withdrawn") + ")";
      colour = ui::kGrey;
    }
    ui::TextColoured(colour, line);
    if (!t.what.empty()) {
      ImGui::Indent(unit);
      ui::TextMuted(t.what);
      ImGui::Unindent(unit);
    }
  }
}

}  // namespace cairn::gui
