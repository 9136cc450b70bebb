// HTTP byte ranges as blob transfers use them (sync/PROTOCOL.md, "Blobs"):
// `Range: bytes=FIRST-[LAST]` on a download, `Content-Range: bytes FIRST-LAST/SIZE`
// on an upload chunk and a partial answer. One range per message; positions are
// inclusive, as in HTTP.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cairn::sync {

// A Range header's one range: from `first`, to `last` or the end.
struct RangeRequest {
  uint64_t first = 0;
  std::optional<uint64_t> last;
};
// "bytes=100-" or "bytes=100-199"; nullopt for anything else (several ranges,
// suffix ranges "bytes=-500", last before first, not digits).
std::optional<RangeRequest> ParseRange(std::string_view header);

struct ContentRange {
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive: the part holds last - first + 1 bytes
  uint64_t size = 0;  // of the whole blob
  uint64_t length() const { return last - first + 1; }
};
// "bytes 0-262143/2097152"; nullopt unless first <= last < size.
std::optional<ContentRange> ParseContentRange(std::string_view header);
// "bytes FIRST-LAST/SIZE".
std::string FormatContentRange(const ContentRange& range);

}  // namespace cairn::sync
