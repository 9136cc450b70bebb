// Reading one item of a pack file into its item op (private to the pack parser).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "pack_checker.h"

namespace cairn::pack_internal {

struct ItemContext {
  std::string pack;                       // the pack's id
  std::string lesson;                     // its lesson's id ("?" when that is broken)
  std::vector<std::string> competencies;  // its lesson's competencies
};

// The item op for `item`, at `path`, with every problem reported to `c`. Its id
// is "?" when the file's is unusable.
nlohmann::json ParseItem(Checker& c, const nlohmann::json& item, const std::string& path,
                         const ItemContext& context);

}  // namespace cairn::pack_internal
