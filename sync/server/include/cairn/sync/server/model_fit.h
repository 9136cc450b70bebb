// `cairn-server model fit`: the mastery model's parameters fitted on the school's
// pooled evidence and published to devices as `mastery_params` server ops
// (agent/MASTERY.md), so every device's estimates improve as the school's data grows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cairn/platform/status.h"
#include "cairn/sync/server/storage.h"

namespace cairn::server {

struct ModelFitSummary {
  size_t published = 0;  // mastery_params records written (one per competency fitted)
  std::vector<std::string> too_little_evidence;  // competencies left at the defaults
  int64_t attempts = 0, observations = 0, learners = 0;
};

// Fits on every learner's evidence in `storage` (retracted evidence left out) and
// appends one `mastery_params` op per competency with enough evidence, all in one
// transaction; devices receive them through pull. kFailedPrecondition when the
// backend keeps no agent Store.
Result<ModelFitSummary> FitAndPublishMastery(ServerStorage& storage);

}  // namespace cairn::server
