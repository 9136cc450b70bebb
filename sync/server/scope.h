// What a device may write (push authorization) and see (pull filtering), decided
// from its role, its classes and the learners enrolled in them (PROTOCOL.md,
// "Authorization"). Backend-independent: reads through ServerStorage.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cairn/agent/op.h"
#include "cairn/sync/server/storage.h"

namespace cairn::server {

struct Scope {
  DeviceRole role = DeviceRole::kStudentDevice;
  Origin origin;
  std::set<std::string> classes;
  // Learners enrolled in the classes now: what the device pulls.
  std::set<std::string> learners;
  // Also those whose enrollment ended: what the device may still push about, so
  // that work recorded offline before a learner moved class is not refused forever.
  std::set<std::string> learners_ever;
};

Result<Scope> LoadScope(ServerStorage& storage, const DeviceRecord& device);

// Why an op of a push batch is refused.
struct Refusal {
  std::string op;  // "origin:seq"
  std::string kind;
  std::string why;  // for people: "a student device may not write observation records"
};

// The first op of `ops` the device may not write, or nullopt when all are allowed.
// Ops of the batch may name each other (a retract of an op in the same batch).
Result<std::optional<Refusal>> AuthorizePush(ServerStorage& storage, const Scope& scope,
                                             const std::vector<Op>& ops);

// Whether a pull by a device of this scope returns `op`: content and the school's
// records for everyone; the device's classes and their enrollments; ops about a
// learner of its classes (an observation naming several learners goes to every
// device that has one of them).
Result<bool> Visible(ServerStorage& storage, const Scope& scope, const Op& op);

// Whether a back-fill of `learner` (a learner who joined one of the device's
// classes after its cursor had passed their history) returns `op`: the learner's
// record and the ops about them. Not the school's records and content, nor the
// classes' own ops: the device's regular pull had those.
Result<bool> VisibleInBackfill(ServerStorage& storage, const std::string& learner, const Op& op);

}  // namespace cairn::server
