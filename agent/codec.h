// The stored form of an op body: a MessagePack array with one slot per field of
// the kind, in the kind's field order, trailing absent fields cut. Ids become
// local numbers (interner.h), enum values their index, op ids [origin ref, seq].
// The subject field is not repeated: it lives in the op's indexed subject column.
// A typical attempt body is about 20 bytes this way instead of ~140 as JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cairn/agent/kinds.h"
#include "cairn/platform/status.h"

namespace cairn {

class Interner;

struct EncodedBody {
  std::optional<int64_t> subject;  // local number of the subject field's id
  std::string bytes;
};

// `body` must already have passed ValidateBody. Interns new ids and origins
// (so it runs inside a write transaction).
Result<EncodedBody> EncodeBody(const KindSpec& kind, const nlohmann::json& body, Interner& ids,
                               Interner& origins);

// The inverse. kCorruption when the bytes do not decode or name unknown numbers.
Result<nlohmann::json> DecodeBody(const KindSpec& kind, std::string_view bytes,
                                  std::optional<int64_t> subject, const Interner& ids,
                                  const Interner& origins);

}  // namespace cairn
