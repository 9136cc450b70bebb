// The teacher's side of the client: signing in with a PIN, the class mastery
// grid (students × competencies), and one cell's evidence timeline with the
// model's explanation. The grid is built once per data change (35 × 40 with a
// year of evidence: 58–200 ms in bench_gui on a loaded machine); a frame only reads it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/agent/class_report.h"
#include "cairn/agent/learning.h"
#include "cairn/agent/mastery.h"
#include "cairn/agent/store.h"
#include "cairn/agent/teacher_pin.h"
#include "cairn/gui/sign_in.h"
#include "cairn/platform/status.h"

namespace cairn::gui {

struct TeacherTile {
  std::string id;
  std::string name;
  bool has_pin = false;  // false: cannot sign in here until a PIN is set
};

// Teachers not archived, by name.
Result<std::vector<TeacherTile>> ListTeachers(const Store& store, const TeacherPins& pins);

// A teacher with no PIN on this device chooses one, at their first sign-in
// here: typed twice. The device's first PIN needs nothing more (the first
// teacher to open it); after that a colleague who has a PIN here vouches with
// it, so a student cannot make themselves a teacher. Returns "" when the PIN is
// set, else the catalog key of what is wrong: "teacher.has_pin",
// "teacher.pin_form", "teacher.pins_differ", "teacher.colleague_wrong", or
// "teacher.pin_not_saved" (the file could not be written).
std::string ChooseFirstPin(TeacherPins& pins, std::string_view teacher, std::string_view pin,
                           std::string_view again, std::string_view colleague_pin);

// The classes `teacher` teaches (active class_teacher links), by name; every
// class of the device when they are linked to none (a standalone classroom set
// up before teachers were named).
Result<std::vector<ClassTile>> ClassesOf(const Store& store, std::string_view teacher);

// The competencies of the curriculum in teaching order: each after its
// prerequisites, chains kept together (a depth-first walk in id order); retired
// ones left out.
std::vector<std::string> TeachingOrder(const Curriculum& curriculum);

// How a grid cell reads. Each has its own colour and its own mark, so the grid
// does not depend on colour alone.
enum class CellMark : uint8_t {
  kNotStarted,         // blank
  kNotEnoughEvidence,  // hatched, "?"
  kInProgress,         // shade by P(mastered), "◐"
  kStuck,              // in progress with many attempts and little progress, "!"
  kMastered,           // "★"
};
CellMark MarkOf(const MasteryEstimate& estimate, const StuckRule& stuck);

struct GridCell {
  CellMark mark = CellMark::kNotStarted;
  float p_mastered = 0;
  uint16_t evidence = 0;  // counted attempts + observations (capped)
};

struct ClassGrid {
  std::string class_id, class_name;
  std::vector<std::string> competencies, titles;  // the columns
  std::vector<std::string> learners, names;       // the rows, by name
  std::vector<GridCell> cells;                    // row-major
  const GridCell& At(size_t row, size_t column) const {
    return cells[row * competencies.size() + column];
  }
};

// Every active student of the class × every competency on the device (not
// retired) in teaching order (each after its prerequisites), by the class
// report (class_report.h). kNotFound for no such class.
Result<ClassGrid> LoadClassGrid(const Store& store, std::string_view class_id);

// One piece of evidence on one competency, as the timeline shows it.
struct TimelineEntry {
  Hlc when = 0;
  bool observation = false;
  bool correct = false;   // an answer
  int level = 0;          // an observation: rubric 1–4
  std::string what;       // the item's prompt, or the observation's note
  std::string response;   // an answer as given
  std::string teacher;    // an observation: who (their name)
  std::string modality;   // an observation: the setting
  bool withdrawn = false; // retracted or superseded: shown struck, not counted
};

struct CellDetail {
  std::string learner, name, competency, title;
  MasteryEstimate estimate;             // with the model's explanation
  std::vector<TimelineEntry> timeline;  // newest first
};

// The evidence of `learner` on `competency` and its estimate. kNotFound for an
// unknown learner.
Result<CellDetail> LoadCellDetail(const Store& store, std::string_view learner,
                                  std::string_view competency);

}  // namespace cairn::gui
