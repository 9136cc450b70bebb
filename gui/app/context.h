// What every view reads and may change: the store, the strings, the fonts, who
// is signed in and which screen is showing. Owned by the App; views hold their
// own UI state and get this in Draw().
#pragma once

#include <string>

#include "app/fonts.h"
#include "cairn/agent/store.h"
#include "cairn/gui/catalog.h"
#include "cairn/gui/device.h"
#include "cairn/gui/sync_status.h"

namespace cairn::gui {

enum class Screen { kProblem, kSetup, kSignIn, kHome, kLesson };

struct AppContext {
  Device* device = nullptr;
  Store* store = nullptr;
  const Catalog* strings = nullptr;
  Fonts fonts;
  const SyncStatusSource* sync = nullptr;

  Screen screen = Screen::kSignIn;
  std::string learner;       // signed in, or ""
  std::string learner_name;  //
  std::string lesson;        // the lesson to open when going to kLesson
  std::string problem;       // what kProblem explains

  // Requests the App handles between frames.
  bool data_changed = false;  // something was written: views reload
  float text_size = 22;
  bool text_size_changed = false;
  std::string language = "en";
  bool language_changed = false;

  const std::string& T(std::string_view key) const { return strings->Get(key); }
  void Go(Screen s) {
    screen = s;
    data_changed = true;
  }
};

}  // namespace cairn::gui
