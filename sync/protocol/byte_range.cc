#include "cairn/sync/byte_range.h"

#include "cairn/platform/numbers.h"

namespace cairn::sync {

std::optional<RangeRequest> ParseRange(std::string_view header) {
  if (!header.starts_with("bytes=")) return std::nullopt;
  header.remove_prefix(6);
  size_t dash = header.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  std::optional<uint64_t> first = ParseU64(header.substr(0, dash));
  if (!first) return std::nullopt;
  RangeRequest r{*first, std::nullopt};
  std::string_view rest = header.substr(dash + 1);
  if (rest.empty()) return r;
  r.last = ParseU64(rest);
  if (!r.last || *r.last < r.first) return std::nullopt;
  return r;
}

std::optional<ContentRange> ParseContentRange(std::string_view header) {
  if (!header.starts_with("bytes ")) return std::nullopt;
  header.remove_prefix(6);
  size_t dash = header.find('-');
  size_t slash = header.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) {
    return std::nullopt;
  }
  std::optional<uint64_t> first = ParseU64(header.substr(0, dash));
  std::optional<uint64_t> last = ParseU64(header.substr(dash + 1, slash - dash - 1));
  std::optional<uint64_t> size = ParseU64(header.substr(slash + 1));
  if (!first || !last || !size || *first > *last || *last >= *size) return std::nullopt;
  return ContentRange{*first, *last, *size};
}

std::string FormatContentRange(const ContentRange& range) {
  return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
         std::to_string(range.size);
}

}  // namespace cairn::sync
