// JSON from the network, parsed only after a byte-level pass has bounded it: the
// parser (nlohmann, recursive) never sees deep nesting, and the DOM it builds has a
// known maximum size.
#include <string>

#include "cairn/sync/wire.h"

namespace cairn::sync {
namespace {

// Offset of the first byte that is not well-formed UTF-8 (no overlongs, surrogates
// or values past U+10FFFF), or npos.
size_t FirstBadUtf8(std::string_view s) {
  size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    uint32_t cp;
    if ((c >> 5) == 0x6) {
      n = 1, cp = c & 0x1f;
    } else if ((c >> 4) == 0xe) {
      n = 2, cp = c & 0x0f;
    } else if ((c >> 3) == 0x1e) {
      n = 3, cp = c & 0x07;
    } else {
      return i;
    }
    if (i + n >= s.size()) return i;
    for (size_t k = 1; k <= n; ++k) {
      if ((p[i + k] & 0xc0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return std::string_view::npos;
}

}  // namespace

Result<nlohmann::json> ParseJson(std::string_view text, const WireLimits& limits,
                                 WireError* error) {
  if (error) *error = WireError::kMalformed;  // unless it is a size limit, below
  if (text.size() > limits.max_decoded_bytes) {
    if (error) *error = WireError::kTooLarge;
    return Status::InvalidArgument("JSON body of " + std::to_string(text.size()) +
                                   " bytes is larger than the limit of " +
                                   std::to_string(limits.max_decoded_bytes));
  }
  if (size_t bad = FirstBadUtf8(text); bad != std::string_view::npos) {
    return Status::InvalidArgument("JSON body is not valid UTF-8 at byte " + std::to_string(bad));
  }
  size_t depth = 0;
  size_t values = 1;
  bool in_string = false;
  size_t string_start = 0;
  auto string_too_long = [&](size_t at) {
    return Status::InvalidArgument("JSON string at byte " + std::to_string(string_start) +
                                   " is longer than the limit of " +
                                   std::to_string(limits.max_string_bytes) + " bytes" +
                                   (at == text.size() ? " (and never ends)" : ""));
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
        if (i - string_start > limits.max_string_bytes) return string_too_long(i);
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        string_start = i + 1;
        break;
      case '[':
      case '{':
        if (++depth > limits.max_json_depth) {
          return Status::InvalidArgument("JSON nested deeper than " +
                                         std::to_string(limits.max_json_depth) +
                                         " levels at byte " + std::to_string(i));
        }
        ++values;
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      case ',':
        if (++values > limits.max_json_values) {
          if (error) *error = WireError::kTooLarge;
          return Status::InvalidArgument("JSON body has more than " +
                                         std::to_string(limits.max_json_values) +
                                         " values (limit); send smaller batches");
        }
        break;
      default:
        break;
    }
  }
  if (in_string && text.size() - string_start > limits.max_string_bytes) {
    return string_too_long(text.size());
  }
  try {
    nlohmann::json parsed = nlohmann::json::parse(text);
    if (error) *error = WireError::kNone;
    return parsed;
  } catch (const nlohmann::json::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 1, ..." -> "parse error at ..."
    std::string what = e.what();
    size_t bracket = what.find("] ");
    return Status::InvalidArgument("JSON body is malformed: " + (bracket == std::string::npos
                                                                     ? what
                                                                     : what.substr(bracket + 2)));
  }
}

}  // namespace cairn::sync
