// Values in a request's query string (`/v1/pull?learner=…`): ids are any UTF-8
// without spaces, so '&', '=', '%' and the rest travel percent-encoded (RFC 3986:
// every byte but the unreserved ones).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cairn::sync {

std::string QueryEscape(std::string_view value);
// nullopt for a '%' not followed by two hex digits.
std::optional<std::string> QueryUnescape(std::string_view value);

}  // namespace cairn::sync
