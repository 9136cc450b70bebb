// The client's fonts: Noto Sans (DejaVu Sans as fallback) with the glyphs of
// Latin Extended, so Vietnamese and every Latin-script language render, plus
// DejaVu's symbols (check marks, stars, arrows) merged in.
#pragma once

#include <imgui.h>

#include <string>
#include <string_view>

namespace cairn::gui {

struct Fonts {
  ImFont* body = nullptr;
  ImFont* bold = nullptr;   // headings
  ImFont* large = nullptr;  // the question being asked, screen titles
};

// Rebuilds the font atlas at `size` pixels (body text). Falls back to ImGui's
// built-in font, with a warning on stderr, when no font file is found. For
// Chinese, Japanese and Korean (`language` zh*, ja*, ko*) the body font also gets
// Noto Sans CJK's common characters (fonts-noto-cjk), loaded only then: they
// make the atlas several times larger. Call between frames; the renderer's font
// texture must be rebuilt after it.
Fonts LoadFonts(float size, std::string_view language = "en");

// True when the CJK glyphs `language` needs could not be loaded (no
// fonts-noto-cjk): the client says so.
bool CjkMissing();

}  // namespace cairn::gui
