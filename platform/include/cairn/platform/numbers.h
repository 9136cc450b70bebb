// Whole numbers from untrusted text (URLs, HTTP headers, wire keys).
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace cairn {

// `text` as a decimal number when it is only ASCII digits (no sign, no spaces)
// and fits 64 bits; nullopt otherwise, including for "".
inline std::optional<uint64_t> ParseU64(std::string_view text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || stop != end) return std::nullopt;
  return value;
}

}  // namespace cairn
