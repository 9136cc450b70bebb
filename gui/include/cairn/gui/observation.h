// A teacher's quick observation: one or several students, a competency, a rubric
// level, an optional note and an optional file. Saved as one `observation` op on
// this device: it works with no network at all and syncs later like any op.
#pragma once

#include <string>
#include <vector>

#include "cairn/agent/op.h"
#include "cairn/agent/store.h"
#include "cairn/platform/status.h"

namespace cairn::gui {

struct ObservationDraft {
  std::string teacher;
  std::vector<std::string> learners;
  std::string competency;
  int level = 0;  // 1 beginning … 4 advanced; 0 = not chosen yet
  std::string modality = "small_group";
  std::string note;
  // A photo or file on this device. Blobs do not travel yet (DESIGN.md: artifacts
  // are content-addressed blobs, to come with sync), so the op records only a
  // reference to the file's path, in the note.
  std::string attachment;
};

// The settings an observation can be made in, as the op kind lists them.
const std::vector<std::string>& ObservationModalities();

// What is still missing before the draft can be saved ("" when it can be): the
// catalog key of the message ("observe.need_students", ...).
std::string MissingFromDraft(const ObservationDraft& draft);

// Records the draft as one observation op. kInvalidArgument (nothing stored) when
// something is missing, or the attached file does not exist.
Result<OpId> SaveObservation(Store& store, const ObservationDraft& draft);

}  // namespace cairn::gui
