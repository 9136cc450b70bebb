// The 128-bit random id of one install of Cairn (a device, or a server): the
// `origin` of every op it writes.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "cairn/platform/status.h"

namespace cairn {

struct Origin {
  std::array<uint8_t, 16> bytes{};

  // 16 random bytes from the kernel's CSPRNG (getrandom).
  static Origin Random();
  // Parses 32 lower- or upper-case hex digits.
  static Result<Origin> FromHex(std::string_view hex);
  // Takes exactly 16 bytes.
  static Result<Origin> FromBytes(std::string_view raw);
  std::string Hex() const;  // 32 lower-case hex digits
  bool IsZero() const;

  auto operator<=>(const Origin&) const = default;
};

// Reads the origin id stored in `file`; if there is none, creates a random one and
// stores it with mode 0600 (written to a temp file, fsynced, renamed). A file that
// exists but does not hold an id is kCorruption, never silently replaced.
Result<Origin> LoadOrCreateOrigin(const std::filesystem::path& file);

// Writes `contents` to `file` atomically: temp file with `mode`, fsync, rename, fsync dir.
Status WriteFileAtomic(const std::filesystem::path& file, std::string_view contents,
                       unsigned mode = 0600);

}  // namespace cairn
