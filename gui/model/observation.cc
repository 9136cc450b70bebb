#include "cairn/gui/observation.h"

#include <algorithm>
#include <filesystem>

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

Result<OpId> SaveObservation(Store& store, const ObservationDraft& draft) {
  if (std::string missing = MissingFromDraft(draft); !missing.empty()) {
    return Status::InvalidArgument("the observation is not complete (" + missing + ")");
  }
  std::string note = draft.note;
  if (!draft.attachment.empty()) {
    std::error_code ec;
    std::filesystem::path file = std::filesystem::absolute(draft.attachment, ec);
    if (ec || !std::filesystem::is_regular_file(file, ec)) {
      return Status::InvalidArgument("there is no file " + draft.attachment +
                                     " on this device; nothing was saved");
    }
    note += (note.empty() ? "" : "\n") + std::string("[file: ") + file.string() + "]";
  }
  nlohmann::json body = {{"teacher", draft.teacher},
                         {"learners", draft.learners},
                         {"competency", draft.competency},
                         {"level", draft.level},
                         {"modality", draft.modality}};
  if (!note.empty()) body["note"] = note;
  return store.Append("observation", body);
}

}  // namespace cairn::gui
