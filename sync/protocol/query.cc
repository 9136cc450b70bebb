#include "cairn/sync/query.h"

#include "cairn/platform/hex.h"

namespace cairn::sync {
namespace {

bool Unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_' || c == '~';
}

}  // namespace

std::string QueryEscape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (Unreserved(static_cast<unsigned char>(c))) {
      out += c;
    } else {
      out += '%';
      out += HexEncode(std::string_view(&c, 1));
    }
  }
  return out;
}

std::optional<std::string> QueryUnescape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') {
      out += value[i];
      continue;
    }
    if (i + 2 >= value.size()) return std::nullopt;
    std::optional<std::string> byte = HexDecode(value.substr(i + 1, 2));
    if (!byte) return std::nullopt;
    out += *byte;
    i += 2;
  }
  return out;
}

}  // namespace cairn::sync
