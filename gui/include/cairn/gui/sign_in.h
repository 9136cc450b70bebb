// Sign-in on a shared device: pick your class, then your name from big tiles.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cairn/agent/store.h"
#include "cairn/platform/status.h"

namespace cairn::gui {

struct ClassTile {
  std::string id;
  std::string name;
  std::string grade;
  size_t learners = 0;
};

struct LearnerTile {
  std::string id;
  std::string name;
  int colour = 0;  // index into the tile palette, 0..kTileColours-1
};

constexpr int kTileColours = 10;

// Classes not archived, by name.
Result<std::vector<ClassTile>> ListClasses(const Store& store);

// The active, not archived learners of `class_id`, by name. A learner's tile
// colour is their `picture` field when it reads "colour:N", else derived from
// their id (stable across devices).
Result<std::vector<LearnerTile>> ListLearners(const Store& store, std::string_view class_id);

// Records a `signin` op (method "tile") for `learner`.
Status RecordSignIn(Store& store, std::string_view learner);

}  // namespace cairn::gui
