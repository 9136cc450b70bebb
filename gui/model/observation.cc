#include "cairn/gui/observation.h"

#include <algorithm>

#include "cairn/agent/artifact.h"
#include "cairn/agent/kinds.h"

namespace cairn::gui {

const std::vector<std::string>& ObservationModalities() {
  static const std::vector<std::string> modalities = [] {
    std::vector<std::string> out;
    const KindSpec* kind = FindKind("observation");
    int field = kind != nullptr ? FieldIndex(*kind, "modality") : -1;
    if (field >= 0) {
      for (std::string_view v : kind->fields[field].values) out.emplace_back(v);
    }
    return out;
  }();
  return modalities;
}

std::string MissingFromDraft(const ObservationDraft& draft) {
  if (draft.learners.empty()) return "observe.need_students";
  if (draft.competency.empty()) return "observe.need_competency";
  if (draft.level < 1 || draft.level > 4) return "observe.need_level";
  return "";
}

Result<OpId> SaveObservation(Store& store, BlobStore& blobs, const ObservationDraft& draft) {
  if (std::string missing = MissingFromDraft(draft); !missing.empty()) {
    return Status::InvalidArgument("the observation is not complete (" + missing + ")");
  }
  nlohmann::json body = {{"teacher", draft.teacher},
                         {"learners", draft.learners},
                         {"competency", draft.competency},
                         {"level", draft.level},
                         {"modality", draft.modality}};
  if (!draft.note.empty()) body["note"] = draft.note;
  if (draft.attachment.empty()) return store.Append("observation", body);
  Result<OpId> saved = AppendObservationWithFile(store, blobs, body, draft.attachment);
  if (!saved.ok()) {
    // Something the teacher can act on (another file), and nothing was stored.
    return Status::InvalidArgument(saved.status().message() + "; nothing was saved");
  }
  return saved;
}

}  // namespace cairn::gui
