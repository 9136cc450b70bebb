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

// How each mark looks and reads, in CellMark order: the grid, its legend and
// the detail pane all draw from here.
struct MarkStyle {
  CellMark mark;
  const char* key;  // its words in the catalog
  ImU32 fill;       // kInProgress: at P(mastered) = 0, shading towards fill_full
  ImU32 fill_full;
  ImU32 ink;
  const char* glyph;  // nullptr: none
};
constexpr MarkStyle kMarkStyles[] = {
    {CellMark::kNotStarted, "grid.not_started", IM_COL32(238, 238, 240, 255), 0, 0, nullptr},
    // Hatched too (DrawCell): "not enough evidence" reads without colour.
    {CellMark::kNotEnoughEvidence, "grid.not_enough", IM_COL32_WHITE, 0, IM_COL32(70, 70, 80, 255),
     "?"},
    {CellMark::kInProgress, "grid.in_progress", IM_COL32(214, 228, 247, 255),
     IM_COL32(120, 162, 222, 255), IM_COL32(20, 50, 110, 255), "◐"},
    {CellMark::kStuck, "grid.stuck", IM_COL32(252, 214, 170, 255), 0, IM_COL32(150, 60, 0, 255),
     "!"},
    {CellMark::kMastered, "grid.mastered", IM_COL32(34, 130, 80, 255), 0, IM_COL32_WHITE, "★"},
};

const MarkStyle& StyleOf(CellMark mark) {
  static_assert(static_cast<size_t>(CellMark::kMastered) + 1 == std::size(kMarkStyles));
  return kMarkStyles[static_cast<size_t>(mark)];
}

const char* StateKey(CellMark mark) { return StyleOf(mark).key; }

ImU32 Blend(ImU32 a, ImU32 b, float t) {
  ImVec4 x = ImGui::ColorConvertU32ToFloat4(a), y = ImGui::ColorConvertU32ToFloat4(b);
  return ImGui::ColorConvertFloat4ToU32(ImVec4(x.x + (y.x - x.x) * t, x.y + (y.y - x.y) * t,
                                               x.z + (y.z - x.z) * t, 1));
}

}  // namespace

void DrawCell(ImDrawList* draw, ImFont* font, ImVec2 min, ImVec2 max, CellMark mark, float p) {
  const MarkStyle& style = StyleOf(mark);
  const char* glyph = style.glyph;
  ImU32 fill = style.fill, ink = style.ink;
  if (style.fill_full != 0) fill = Blend(style.fill, style.fill_full, std::clamp(p, 0.0f, 1.0f));
  draw->AddRectFilled(min, max, fill, 4.0f);
  if (mark == CellMark::kNotEnoughEvidence) {
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
  // Back from another tab, nothing written: the grid on show is still true.
  if (grid_ && grid_->class_id == ctx.class_id && version_ == ctx.data_version) return;
  error_.clear();
  version_ = ctx.data_version;
  Result<ClassGrid> grid = LoadClassGrid(*ctx.store, ctx.class_id);
  if (!grid.ok()) {
    grid_.reset();
    error_ = grid.status().message();
    return;
  }
  grid_ = std::move(*grid);
  short_titles_.clear();
  for (const std::string& t : grid_->titles) short_titles_.push_back(Cut(t, kHeadingChars));
  row_labels_.clear();
  for (size_t r = 0; r < grid_->learners.size(); ++r) {
    row_labels_.push_back(grid_->names[r] + "##name-" + grid_->learners[r]);
  }
  measured_font_ = 0;
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
  BuildDetail(ctx);
}

void ClassGridView::BuildDetail(const AppContext& ctx) {
  const CellDetail& d = *detail_;
  detail_strings_ = ctx.strings;
  detail_title_ = d.name + " · " + d.title;
  detail_mark_ = MarkOf(d.estimate, StuckRule{});
  detail_state_ = ctx.T(StateKey(detail_mark_));
  if (detail_mark_ != CellMark::kNotStarted) {
    detail_state_ +=
        " · " + ctx.strings->Format("grid.likely", {{"p", MasteryPercent(d.estimate.p_mastered)}});
  }
  detail_rows_.clear();
  for (const TimelineEntry& t : d.timeline) {
    DetailRow row{ui::Day(HlcMillis(t.when)) + "  ", ui::kGrey, false};
    if (t.observation) {
      row.text += ctx.strings->Format(
          "grid.observed",
          {{"level", ctx.T("level." + std::to_string(t.level))}, {"teacher", t.teacher}});
      row.colour = ui::kBlue;
    } else {
      row.text += (t.correct ? "✓ " : "✗ ") +
                  ctx.strings->Format(t.correct ? "grid.answered_right" : "grid.answered_wrong",
                                      {{"response", t.response}});
      row.colour = t.correct ? ui::kGreen : ui::kOrange;
    }
    if (t.withdrawn) {
      row.text += "  (" + ctx.T("grid.withdrawn") + ")";
      row.colour = ui::kGrey;
    }
    detail_rows_.push_back(std::move(row));
    if (!t.what.empty()) detail_rows_.push_back({t.what, ui::kGrey, true});
  }
}

void ClassGridView::Draw(AppContext& ctx) {
  if (!error_.empty()) ui::TextColoured(ui::kOrange, error_);
  if (!grid_) return;
  if (grid_->learners.empty()) {
    ui::TextMuted(ctx.T("grid.no_students"));
    return;
  }
  if (grid_->competencies.empty()) {
    ui::TextMuted(ctx.T("grid.no_competencies"));
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

  if (measured_font_ != unit) {
    // Names and headings are measured once per grid and text size, not per frame.
    measured_font_ = unit;
    name_width_ = unit * 4;
    for (const std::string& n : g.names) {
      name_width_ = std::max(name_width_, ImGui::CalcTextSize(n.c_str()).x);
    }
    name_width_ = std::min(name_width_, unit * 11) + unit;
    heading_height_ = 0;
    for (const std::string& t : short_titles_) {
      heading_height_ =
          std::max(heading_height_, font->CalcTextSizeA(heading_size, FLT_MAX, 0, t.c_str()).x);
    }
    heading_height_ = heading_height_ * 0.7071f + unit;
  }
  const float name_width = name_width_, heading_height = heading_height_;

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
    const std::string& label = row_labels_[r];
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
  for (const MarkStyle& style : kMarkStyles) {
    CellMark m = style.mark;
    if (&style != &kMarkStyles[0]) {
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
  if (detail_strings_ != ctx.strings) BuildDetail(ctx);  // the language changed
  const CellDetail& d = *detail_;
  const float unit = ImGui::GetFontSize();
  std::string close = ctx.T("grid.close") + "##close-detail";
  if (ui::Button(close.c_str())) {
    detail_.reset();
    return;
  }
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(detail_title_);
  ImGui::PopFont();
  ImVec2 at = ImGui::GetCursorScreenPos();
  DrawCell(ImGui::GetWindowDrawList(), ImGui::GetFont(), at,
           ImVec2(at.x + unit * 1.2f, at.y + unit * 1.2f), detail_mark_, d.estimate.p_mastered);
  ImGui::Dummy(ImVec2(unit * 1.2f, unit * 1.2f));
  ImGui::SameLine();
  ui::Text(detail_state_);
  if (detail_mark_ != CellMark::kNotStarted && !d.estimate.explanation.empty()) {
    ui::TextMuted(d.estimate.explanation);
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
  // A year of evidence is hundreds of rows: built once on selection, and only
  // the rows in sight are drawn. One line each (no wrapping keeps the clipper's
  // rows even); the pane's width cuts a long prompt, which its tooltip shows whole.
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(detail_rows_.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const DetailRow& row = detail_rows_[i];
      if (row.indent) ImGui::Indent(unit);
      ImGui::PushStyleColor(ImGuiCol_Text,
                            row.indent ? ImGui::GetColorU32(ImGuiCol_TextDisabled) : row.colour);
      ImGui::TextUnformatted(row.text.c_str(), row.text.c_str() + row.text.size());
      ImGui::PopStyleColor();
      if (ImGui::IsItemHovered() &&
          ImGui::GetItemRectMax().x > ImGui::GetWindowPos().x + ImGui::GetWindowWidth()) {
        ImGui::SetTooltip("%s", row.text.c_str());
      }
      Probe().AddText(row.text);
      if (row.indent) ImGui::Unindent(unit);
    }
  }
}

}  // namespace cairn::gui
