// Widgets the views use, each a thin wrapper over ImGui that also notes what it
// drew (label and rectangle) in the frame probe, so the scripted mode can find
// a widget by its label and check the text on screen.
#pragma once

#include <imgui.h>

#include <string>
#include <string_view>
#include <vector>

namespace cairn::gui {

struct ProbeItem {
  std::string label;  // as shown (the part before "##")
  ImVec2 min, max;
  bool input = false;  // a text field
};

// What the last complete frame showed.
class FrameProbe {
 public:
  void BeginFrame();  // the frame being built becomes the last one
  void AddItem(std::string_view label, bool input = false);  // ImGui's last item
  // A clickable area drawn without a widget of its own (a cell of the grid).
  // Views note such areas only when the probe is detailed (scripted mode): a
  // class grid has a thousand of them, a user's frame needs none.
  void AddArea(std::string_view label, ImVec2 min, ImVec2 max);
  bool detailed() const { return detailed_; }
  void set_detailed(bool on) { detailed_ = on; }
  void AddText(std::string_view text);

  // The last frame's first item labelled exactly `label`, else nullptr.
  const ProbeItem* Find(std::string_view label) const;
  bool ShowsText(std::string_view text) const;  // a substring of any label or text
  std::string Describe() const;                 // every label, for error messages

 private:
  std::vector<ProbeItem> items_, building_items_;
  std::vector<std::string> texts_, building_texts_;
  bool detailed_ = false;
};
FrameProbe& Probe();

namespace ui {

// The part of an ImGui label that is shown.
std::string_view Visible(std::string_view label);

bool Button(const char* label, ImVec2 size = {});
// A large rounded button filled with `colour` (sign-in tiles, answer choices).
bool Tile(const char* label, ImU32 colour, ImVec2 size, bool selected = false);
void Text(std::string_view text);       // wrapped
void TextMuted(std::string_view text);  // wrapped, grey
void TextColoured(ImU32 colour, std::string_view text);
bool InputText(const char* label, std::string* value, float width, ImGuiInputTextFlags flags = 0);
bool InputMultiline(const char* label, std::string* value, ImVec2 size);
void ProgressBar(float fraction, ImVec2 size, std::string_view overlay);
// A small toggle (a student or competency to include): filled when on, with a
// check mark, so its state does not rest on colour alone.
bool Chip(const char* label, bool on, ImVec2 size = {});
// Before a chip or button labelled `label` in a row that wraps: stays on the
// line when it fits (not for the first of a row, `first`).
void SameLineIfFits(const std::string& label, bool first);
// `text` at `pos` in `font` of `size` pixels, turned by `radians` about `pos`
// (column headings of the class grid).
void TextRotated(ImDrawList* draw, ImFont* font, float size, ImVec2 pos, ImU32 colour,
                 std::string_view text, float radians);
// A day as YYYY-MM-DD (UTC), from Unix milliseconds.
std::string Day(int64_t unix_millis);
// A drop-down of `options` (lesson titles) showing options[*pick]; true when
// the user picked another. *pick is kept within range.
bool Choice(const char* id, const std::vector<std::string>& options, size_t* pick, float width);
// A moment as YYYY-MM-DD HH:MM, local time.
std::string DayTime(int64_t unix_millis);

// The high-contrast theme darkens muted text and the marks drawn in colour.
void SetHighContrast(bool on);

// The tile palette (sign-in colours), kTileColours long.
ImU32 TileColour(int index);

inline constexpr ImU32 kGreen = IM_COL32(34, 139, 84, 255);
inline constexpr ImU32 kOrange = IM_COL32(196, 98, 16, 255);
inline constexpr ImU32 kBlue = IM_COL32(37, 99, 185, 255);
inline constexpr ImU32 kGrey = IM_COL32(110, 110, 120, 255);
inline constexpr ImU32 kGold = IM_COL32(190, 140, 10, 255);

}  // namespace ui
}  // namespace cairn::gui
