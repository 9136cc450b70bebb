#include "cairn/platform/numbers.h"
#include "cairn/sync/wire.h"

namespace cairn::sync {

nlohmann::json PushAckJson(uint64_t acked, uint64_t clock) {
  return {{"acked", acked}, {"clock", clock}};
}

std::string FormatPending(const Pending& pending) {
  return "seq=" + std::to_string(pending.seq) + " files=" + std::to_string(pending.files);
}

std::optional<Pending> ParsePending(std::string_view value) {
  std::optional<uint64_t> seq, files;
  while (!value.empty()) {
    size_t space = value.find(' ');
    std::string_view part = value.substr(0, space);
    value = space == std::string_view::npos ? "" : value.substr(space + 1);
    if (part.starts_with("seq=")) seq = ParseU64(part.substr(4));
    if (part.starts_with("files=")) files = ParseU64(part.substr(6));
  }
  if (!seq || !files) return std::nullopt;
  return Pending{*seq, *files};
}

}  // namespace cairn::sync
