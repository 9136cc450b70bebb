// Ops for the wire tests: one valid op of every kind, and random valid ops.
#pragma once

#include <random>
#include <vector>

#include "cairn/agent/op.h"

namespace cairn::sync::testing {

// One op of every kind in kinds.h, every field set, valid (ValidateBody).
std::vector<Op> OneOfEveryKind();
// `n` random valid ops of random kinds from `origins` origins (seq dense per origin).
std::vector<Op> RandomOps(std::mt19937_64& rng, size_t n, size_t origins);

}  // namespace cairn::sync::testing
