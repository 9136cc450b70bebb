#include "cairn/gui/sign_in.h"

#include <algorithm>

#include "cairn/agent/learning.h"

namespace cairn::gui {
namespace {

using nlohmann::json;

bool Archived(const json& j) { return j.value("archived", false); }

// FNV-1a: a stable colour per learner id on every device.
int ColourOf(const json& learner) {
  std::string picture = learner.value("picture", "");
  if (picture.rfind("colour:", 0) == 0) {
    int n = std::atoi(picture.c_str() + 7);
    if (n >= 0 && n < kTileColours) return n;
  }
  uint32_t h = 2166136261u;
  for (char c : learner.value("learner", "")) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
  return static_cast<int>(h % kTileColours);
}

}  // namespace

Result<std::vector<ClassTile>> ListClasses(const Store& store) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> classes, store.Entities("class"));
  std::vector<ClassTile> out;
  for (const json& c : classes) {
    if (Archived(c)) continue;
    ClassTile tile;
    tile.id = c.at("class").get<std::string>();
    tile.name = c.value("name", tile.id);
    tile.grade = c.value("grade", "");
    CAIRN_ASSIGN_OR_RETURN(std::vector<LearnerTile> learners, ListLearners(store, tile.id));
    tile.learners = learners.size();
    out.push_back(std::move(tile));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ClassTile& a, const ClassTile& b) { return a.name < b.name; });
  return out;
}

Result<std::vector<LearnerTile>> ListLearners(const Store& store, std::string_view class_id) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> enrollments,
                         store.EntitiesWhere("enrollment", "class", class_id));
  std::vector<LearnerTile> out;
  for (const json& e : enrollments) {
    if (!e.value("active", true)) continue;
    std::string id = e.at("learner").get<std::string>();
    CAIRN_ASSIGN_OR_RETURN(std::optional<json> learner, store.Entity("learner", id));
    if (!learner || Archived(*learner)) continue;
    out.push_back({id, LearnerName(*learner), ColourOf(*learner)});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const LearnerTile& a, const LearnerTile& b) { return a.name < b.name; });
  return out;
}

Status RecordSignIn(Store& store, std::string_view learner) {
  return store.Append("signin", {{"learner", learner}, {"method", "tile"}}).status();
}

}  // namespace cairn::gui
