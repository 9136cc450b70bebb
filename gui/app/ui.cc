#include "app/ui.h"

#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <ctime>

#include "cairn/gui/sign_in.h"

namespace cairn::gui {

FrameProbe& Probe() {
  static FrameProbe probe;
  return probe;
}

void FrameProbe::BeginFrame() {
  items_.swap(building_items_);
  texts_.swap(building_texts_);
  building_items_.clear();
  building_texts_.clear();
}

void FrameProbe::AddItem(std::string_view label, bool input) {
  building_items_.push_back(
      {std::string(ui::Visible(label)), ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), input});
}

void FrameProbe::AddText(std::string_view text) { building_texts_.emplace_back(text); }

void FrameProbe::AddArea(std::string_view label, ImVec2 min, ImVec2 max) {
  building_items_.push_back({std::string(label), min, max, false});
}

const ProbeItem* FrameProbe::Find(std::string_view label) const {
  for (const ProbeItem& item : items_) {
    if (item.label == label) return &item;
  }
  return nullptr;
}

bool FrameProbe::ShowsText(std::string_view text) const {
  for (const ProbeItem& item : items_) {
    if (item.label.find(text) != std::string::npos) return true;
  }
  for (const std::string& t : texts_) {
    if (t.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string FrameProbe::Describe() const {
  std::string out;
  for (const ProbeItem& item : items_) out += (out.empty() ? "\"" : ", \"") + item.label + "\"";
  return out.empty() ? "(nothing)" : out;
}

namespace ui {

std::string_view Visible(std::string_view label) {
  size_t hashes = label.find("##");
  return hashes == std::string_view::npos ? label : label.substr(0, hashes);
}

bool Button(const char* label, ImVec2 size) {
  bool pressed = ImGui::Button(label, size);
  Probe().AddItem(label);
  return pressed;
}

bool Tile(const char* label, ImU32 colour, ImVec2 size, bool selected) {
  ImVec4 c = ImGui::ColorConvertU32ToFloat4(colour);
  ImVec4 hover(c.x * 0.85f, c.y * 0.85f, c.z * 0.85f, 1);
  ImGui::PushStyleColor(ImGuiCol_Button, c);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, hover);
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, hover);
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32_WHITE);
  ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, 14.0f);
  ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, selected ? 5.0f : 0.0f);
  ImGui::PushStyleColor(ImGuiCol_Border, IM_COL32(20, 20, 30, 255));
  bool pressed = ImGui::Button(label, size);
  ImGui::PopStyleColor(5);
  ImGui::PopStyleVar(2);
  Probe().AddItem(label);
  return pressed;
}

void Text(std::string_view text) {
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(text.data(), text.data() + text.size());
  ImGui::PopTextWrapPos();
  Probe().AddText(text);
}

void TextColoured(ImU32 colour, std::string_view text) {
  ImGui::PushStyleColor(ImGuiCol_Text, colour);
  Text(text);
  ImGui::PopStyleColor();
}

namespace {
bool high_contrast = false;
}  // namespace

void SetHighContrast(bool on) { high_contrast = on; }

void TextMuted(std::string_view text) {
  TextColoured(high_contrast ? IM_COL32(30, 30, 30, 255) : kGrey, text);
}

bool InputText(const char* label, std::string* value, float width, ImGuiInputTextFlags flags) {
  ImGui::SetNextItemWidth(width);
  bool entered = ImGui::InputText(label, value, flags);
  Probe().AddItem(label, true);
  return entered;
}

bool InputMultiline(const char* label, std::string* value, ImVec2 size) {
  bool changed = ImGui::InputTextMultiline(label, value, size);
  Probe().AddItem(label, true);
  return changed;
}

void ProgressBar(float fraction, ImVec2 size, std::string_view overlay) {
  std::string text(overlay);
  ImGui::ProgressBar(fraction, size, text.c_str());
  Probe().AddText(overlay);
}

bool Chip(const char* label, bool on, ImVec2 size) {
  std::string shown = (on ? "✓ " : "") + std::string(label);
  ImGui::PushStyleColor(ImGuiCol_Button, on ? ImVec4(0.15f, 0.39f, 0.73f, 1) : ImVec4(1, 1, 1, 1));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered,
                        on ? ImVec4(0.12f, 0.33f, 0.62f, 1) : ImVec4(0.9f, 0.93f, 0.98f, 1));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive,
                        on ? ImVec4(0.12f, 0.33f, 0.62f, 1) : ImVec4(0.85f, 0.9f, 0.97f, 1));
  ImGui::PushStyleColor(ImGuiCol_Text, on ? ImVec4(1, 1, 1, 1) : ImGui::GetStyleColorVec4(ImGuiCol_Text));
  ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, 20.0f);
  bool pressed = ImGui::Button(shown.c_str(), size);
  ImGui::PopStyleVar();
  ImGui::PopStyleColor(4);
  Probe().AddItem(label);
  return pressed;
}

void SameLineIfFits(const std::string& label, bool first) {
  if (first) return;
  const ImGuiStyle& style = ImGui::GetStyle();
  float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  float next = ImGui::GetItemRectMax().x + style.ItemSpacing.x +
               ImGui::CalcTextSize(Visible(label).data(), Visible(label).data() + Visible(label).size()).x +
               style.FramePadding.x * 2 + ImGui::GetFontSize() * 1.2f;
  if (next < right) ImGui::SameLine();
}

void TextRotated(ImDrawList* draw, ImFont* font, float size, ImVec2 pos, ImU32 colour,
                 std::string_view text, float radians) {
  int first = draw->VtxBuffer.Size;
  draw->AddText(font, size, pos, colour, text.data(), text.data() + text.size());
  float c = std::cos(radians), s = std::sin(radians);
  for (int i = first; i < draw->VtxBuffer.Size; ++i) {
    ImVec2& v = draw->VtxBuffer[i].pos;
    float x = v.x - pos.x, y = v.y - pos.y;
    v = ImVec2(pos.x + x * c - y * s, pos.y + x * s + y * c);
  }
}

namespace {
std::string FormatTime(int64_t unix_millis, const char* format, bool local) {
  std::time_t t = static_cast<std::time_t>(unix_millis / 1000);
  std::tm tm{};
  if (local) {
    localtime_r(&t, &tm);
  } else {
    gmtime_r(&t, &tm);
  }
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}
}  // namespace

std::string Day(int64_t unix_millis) { return FormatTime(unix_millis, "%Y-%m-%d", false); }

std::string DayTime(int64_t unix_millis) {
  return FormatTime(unix_millis, "%Y-%m-%d %H:%M", true);
}

bool Choice(const char* id, const std::vector<std::string>& options, size_t* pick, float width) {
  if (options.empty()) return false;
  *pick = std::min(*pick, options.size() - 1);
  bool changed = false;
  ImGui::SetNextItemWidth(width);
  if (ImGui::BeginCombo(id, options[*pick].c_str())) {
    for (size_t i = 0; i < options.size(); ++i) {
      if (ImGui::Selectable(options[i].c_str(), i == *pick)) {
        *pick = i;
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  return changed;
}

ImU32 TileColour(int index) {
  // Dark enough for white text (contrast >= 4.5:1), distinct side by side.
  static constexpr ImU32 kPalette[kTileColours] = {
      IM_COL32(37, 99, 185, 255),  IM_COL32(196, 60, 60, 255), IM_COL32(34, 130, 80, 255),
      IM_COL32(128, 70, 170, 255), IM_COL32(180, 90, 10, 255), IM_COL32(15, 118, 130, 255),
      IM_COL32(170, 50, 120, 255), IM_COL32(85, 105, 30, 255), IM_COL32(70, 80, 160, 255),
      IM_COL32(120, 80, 50, 255)};
  return kPalette[((index % kTileColours) + kTileColours) % kTileColours];
}

}  // namespace ui
}  // namespace cairn::gui
