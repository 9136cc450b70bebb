// A teacher's quick observation: one or several students, a competency, a rubric
// level, an optional note and an optional file. Saved as one `observation` op on
// this device: it works with no network at all and syncs later like any op.
#pragma once

#include <string>
#include <vector>

#include "cairn/agent/blob_store.h"
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
  // A photo or file on this device: copied into the device's blobs and recorded
  // as an artifact op the observation names (agent/artifact.h); it syncs after
  // the ops, on a link that is not metered.
  std::string attachment;
};

// The settings an observation can be made in, as the op kind lists them.
const std::vector<std::string>& ObservationModalities();

// What is still missing before the draft can be saved ("" when it can be): the
// catalog key of the message ("observe.need_students", ...).
std::string MissingFromDraft(const ObservationDraft& draft);

// Records the draft as one observation op (with an artifact op for the attached
// file, copied into `blobs`, in the same transaction). kInvalidArgument (nothing
// stored) when something is missing, or the attached file does not exist, is
// empty or too large.
Result<OpId> SaveObservation(Store& store, BlobStore& blobs, const ObservationDraft& draft);

}  // namespace cairn::gui
