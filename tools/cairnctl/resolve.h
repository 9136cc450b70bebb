// Lets people name records the way they think of them: by id, or by the exact
// name a teacher sees ("Ada", "Room 12") when only one record has it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "cairn/agent/store.h"
#include "cairn/platform/status.h"

namespace cairn::cli {

// The record of `kind` (learner, class, teacher, school, competency, lesson, item,
// goal, pack) whose id is `ref`, or else whose display name is exactly `ref`.
// kNotFound when none matches; kFailedPrecondition listing the ids when several
// share the name.
Result<nlohmann::json> Resolve(const Store& store, std::string_view kind, std::string_view ref);
Result<std::string> ResolveId(const Store& store, std::string_view kind, std::string_view ref);

// The name people know a record by ("Ada Lovelace", "Room 12"), or its id.
std::string DisplayName(std::string_view kind, const nlohmann::json& record);

}  // namespace cairn::cli
