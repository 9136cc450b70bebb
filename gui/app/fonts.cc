#include "app/fonts.h"

#include <filesystem>
#include <iostream>
#include <string_view>

namespace cairn::gui {
namespace {

const char* FirstExisting(std::initializer_list<const char*> files) {
  for (const char* f : files) {
    if (std::filesystem::exists(f)) return f;
  }
  return nullptr;
}

const ImWchar* TextRanges() {
  static const ImWchar kRanges[] = {
      0x0020, 0x00FF,  // Basic Latin, Latin-1
      0x0100, 0x024F,  // Latin Extended-A and B
      0x0300, 0x036F,  // combining diacritics (decomposed accents)
      0x1E00, 0x1EFF,  // Latin Extended Additional (Vietnamese)
      0x2000, 0x206F,  // punctuation: dashes, curly quotes, ellipsis
      0x20AB, 0x20AC,  // đồng, euro
      0x2212, 0x2212,  // minus sign
      0,
  };
  return kRanges;
}

const ImWchar* SymbolRanges() {
  static const ImWchar kRanges[] = {
      0x2190, 0x21FF,  // arrows
      0x2605, 0x2606,  // stars
      0x2713, 0x2717,  // check marks, crosses
      0x25A0, 0x25FF,  // geometric shapes: circles for skill states
      0,
  };
  return kRanges;
}

// Glyphs rasterized once, at whole pixels: ImGui's default of 3x horizontal
// oversampling (for sub-pixel positions) doubled the atlas to 2048 x 2048 (16 MB
// as RGBA, and again in the GL driver) for no difference seen at these sizes.
ImFontConfig Config() {
  ImFontConfig config;
  config.OversampleH = 1;
  config.PixelSnapH = true;
  return config;
}

ImFont* Add(const char* file, float size, const char* symbols) {
  ImGuiIO& io = ImGui::GetIO();
  ImFontConfig text = Config();
  ImFont* font = io.Fonts->AddFontFromFileTTF(file, size, &text, TextRanges());
  if (font != nullptr && symbols != nullptr) {
    ImFontConfig merge = Config();
    merge.MergeMode = true;
    io.Fonts->AddFontFromFileTTF(symbols, size, &merge, SymbolRanges());
  }
  return font;
}

}  // namespace

bool& CjkMissingFlag() {
  static bool missing = false;
  return missing;
}

bool CjkMissing() { return CjkMissingFlag(); }

// Merges the CJK glyphs of `language` into the font added last.
void AddCjk(float size, std::string_view language) {
  ImGuiIO& io = ImGui::GetIO();
  const char* cjk = FirstExisting({"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                                   "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf"});
  CjkMissingFlag() = cjk == nullptr;
  if (cjk == nullptr) {
    std::cerr << "cairn: warning: no CJK font found (install fonts-noto-cjk); " << language
              << " text shows as boxes\n";
    return;
  }
  const ImWchar* ranges = language.starts_with("ja")   ? io.Fonts->GetGlyphRangesJapanese()
                          : language.starts_with("ko") ? io.Fonts->GetGlyphRangesKorean()
                                                       : io.Fonts->GetGlyphRangesChineseSimplifiedCommon();
  ImFontConfig merge = Config();
  merge.MergeMode = true;
  io.Fonts->AddFontFromFileTTF(cjk, size, &merge, ranges);
}

Fonts LoadFonts(float size, std::string_view language) {
  bool cjk = language.starts_with("zh") || language.starts_with("ja") || language.starts_with("ko");
  CjkMissingFlag() = false;
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const char* regular = FirstExisting({"/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
                                       "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"});
  const char* bold = FirstExisting({"/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
                                    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"});
  const char* symbols = FirstExisting({"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"});
  Fonts fonts;
  if (regular != nullptr) {
    fonts.body = Add(regular, size, symbols);
    if (cjk && fonts.body != nullptr) AddCjk(size, language);
    fonts.bold = Add(bold != nullptr ? bold : regular, size * 1.15f, symbols);
    fonts.large = Add(bold != nullptr ? bold : regular, size * 1.6f, symbols);
  }
  if (fonts.body == nullptr || fonts.bold == nullptr || fonts.large == nullptr) {
    std::cerr << "cairn: warning: no Noto Sans or DejaVu Sans font found (install "
                 "fonts-noto-core); using ImGui's built-in font, which has no accents\n";
    io.Fonts->Clear();
    ImFontConfig config;
    config.SizePixels = size;
    fonts.body = fonts.bold = fonts.large = io.Fonts->AddFontDefault(&config);
  }
  io.Fonts->Build();
  return fonts;
}

}  // namespace cairn::gui
