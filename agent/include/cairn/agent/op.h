// The op: Cairn's one unit of fact and of replication (DESIGN.md, data model).
#pragma once

#include <compare>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "cairn/agent/hlc.h"
#include "cairn/platform/origin.h"
#include "cairn/platform/status.h"

namespace cairn {

using nlohmann::json;

// (origin, seq): an op's identity everywhere, forever.
struct OpId {
  Origin origin;
  uint64_t seq = 0;

  // "<32 hex digits>:<seq>", e.g. "9f3c…e1:17".
  std::string ToString() const;
  static Result<OpId> Parse(std::string_view text);
  auto operator<=>(const OpId&) const = default;
};

struct Op {
  Origin origin;
  uint64_t seq = 0;  // dense per origin, from 1
  Hlc hlc = 0;
  std::string kind;  // one of AllKinds() (kinds.h)
  json body;         // an object; fields as the kind's spec says

  OpId id() const { return {origin, seq}; }
};

// The wire and export form:
// {"origin":"<hex>","seq":N,"hlc":N,"kind":"attempt","body":{...}}
json OpToJson(const Op& op);
// Checks the envelope (types, ranges); the body is checked against its kind by
// ValidateOp (kinds.h).
Result<Op> OpFromJson(const json& j);

}  // namespace cairn
