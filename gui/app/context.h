// What every view reads and may change: the store, the strings, the fonts, who
// is signed in and which screen is showing. Owned by the App; views hold their
// own UI state and get this in Draw().
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "app/fonts.h"
#include "cairn/agent/store.h"
#include "cairn/agent/teacher_pin.h"
#include "cairn/gui/catalog.h"
#include "cairn/gui/device.h"
#include "cairn/gui/sync_status.h"

namespace cairn::gui {

enum class Screen {
  kProblem,
  kSetup,
  kSignIn,
  kHome,
  kLesson,
  kTeacherSignIn,
  kClassGrid,
  kObserve,
  kGroups,
  kStudentProfile,  // a teacher looking at one student
  kGoals,           // a student's goals
  kProfile,         // a student's own profile
};

struct AppContext {
  Device* device = nullptr;
  Store* store = nullptr;
  const Catalog* strings = nullptr;
  Fonts fonts;
  SyncStatusSource* sync = nullptr;
  TeacherPins* pins = nullptr;  // null when the PIN file could not be read

  Screen screen = Screen::kSignIn;
  std::string learner;       // signed in, or ""
  std::string learner_name;  //
  std::string lesson;        // the lesson to open when going to kLesson
  std::string teacher;       // signed in as a teacher, or ""
  std::string teacher_name;  //
  std::string class_id;      // the teacher's class shown
  std::string student;       // the student a teacher's kStudentProfile shows
  std::vector<std::string> observe_learners;  // preselected for kObserve
  std::string observe_competency;             //
  std::string problem;       // what kProblem explains
  // Wakes the event loop from another thread (a server's answer is in).
  std::function<void()> wake;

  // Requests the App handles between frames.
  bool reload = false;        // the shown view reloads (another screen, class or data)
  uint64_t data_version = 0;  // moves on every write, here or pulled by sync: a view
                              // whose data is as of this version need not rebuild it
  bool wrote = false;         // written here since the last frame: sync soon
  bool joined = false;        // this device just joined a school server: start syncing
  float text_size = 22;
  bool text_size_changed = false;
  std::string language = "en";
  bool language_changed = false;
  bool high_contrast = false;
  bool contrast_changed = false;

  const std::string& T(std::string_view key) const { return strings->Get(key); }
  // Signs whoever is signed in out, back to the name tiles.
  void SignOut() {
    learner.clear();
    learner_name.clear();
    teacher.clear();
    teacher_name.clear();
    Go(Screen::kSignIn);
  }
  // Navigation: the new screen reloads, but data that did not change is kept
  // (the class grid takes up to 200 ms to build).
  void Go(Screen s) {
    screen = s;
    reload = true;
  }
  // After a write to the store: every view's data is stale.
  void Wrote() {
    ++data_version;
    wrote = true;
    reload = true;
  }
};

}  // namespace cairn::gui
