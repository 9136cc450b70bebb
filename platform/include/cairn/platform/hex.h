// Bytes as hexadecimal text and back: the one encoder behind origin ids, machine
// fingerprints, digests, PIN hashes and certificate pins.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cairn {

// Two lower-case hex digits per byte.
std::string HexEncode(std::string_view bytes);

// The bytes of `hex` (an even number of digits, either case); nullopt when it has
// an odd length or a character that is not a hex digit.
std::optional<std::string> HexDecode(std::string_view hex);

}  // namespace cairn
