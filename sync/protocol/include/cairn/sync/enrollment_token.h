// The enrollment token IT writes into an image, and the short join code a person
// types (sync/PROTOCOL.md, "Enrollment"). One parser for everyone who reads a
// token: the server, the client that enrolls with it, and `cairnctl doctor`.
//
// A token is one copy-pasteable string of URL-safe characters:
//   cairn1.<server URL, base64url>.<SHA-256 of the server certificate's SPKI,
//   base64url>.<secret: already base64url text>
// The pin lets a device trust exactly the school's (often self-signed)
// certificate and nothing else. A join code ("K7QM-2XPD") carries only a
// secret; the person types the server's address beside it.
#pragma once

#include <string>
#include <string_view>

#include "cairn/platform/status.h"

namespace cairn::sync {

struct EnrollmentToken {
  std::string url;     // "https://school.example:8443"
  std::string pin;     // 32 raw bytes: SHA-256 of the DER SubjectPublicKeyInfo
  std::string secret;  // base64url text, sent to POST /v1/enroll as "token"
};

std::string FormatToken(const EnrollmentToken& token);
// kInvalidArgument naming what is wrong ("not a Cairn enrollment token").
Result<EnrollmentToken> ParseToken(std::string_view text);

// URL-safe base64 without padding.
std::string Base64Url(std::string_view bytes);
Result<std::string> FromBase64Url(std::string_view text);

// `n` bytes from the kernel's CSPRNG, as base64url.
std::string RandomSecret(size_t n = 32);
// A new join code: 8 characters from an alphabet without look-alikes (no 0/O,
// 1/I/L), shown as XXXX-XXXX; about 40 bits, so enroll is rate-limited per address.
std::string NewJoinCode();
// The join code as compared: upper case, dashes and spaces dropped.
std::string NormalizeJoinCode(std::string_view code);
// Whether `text` looks like a join code (after normalizing) rather than a token secret.
bool LooksLikeJoinCode(std::string_view text);

// A device's credential is bound to the machine it enrolled from (PROTOCOL.md,
// "A credential on another machine"). The device sends its machine fingerprint
// (platform/fingerprint.h: a keyed hash, 64 hex digits, never the machine id
// itself) as "fingerprint" when it enrolls and in this header with every request;
// the server answers another machine's fingerprint with 403 and this error code.
inline constexpr std::string_view kFingerprintHeader = "Cairn-Fingerprint";
inline constexpr std::string_view kFingerprintMismatch = "fingerprint_mismatch";
// 401: a credential the server does not know (a server restored from a backup
// taken before the device enrolled, or its data directory re-created).
inline constexpr std::string_view kUnknownDevice = "unknown_device";
// 409 to an enrollment: the origin already synced as another device.
inline constexpr std::string_view kOriginTaken = "origin_taken";
// Whether `text` has the form of a fingerprint: 64 lower-case hex digits.
bool IsFingerprint(std::string_view text);

// SHA-256 of `bytes`, 32 raw bytes (HexEncode, platform/hex.h, for text).
std::string Sha256(std::string_view bytes);

}  // namespace cairn::sync
