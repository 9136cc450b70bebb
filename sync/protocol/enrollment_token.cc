#include "cairn/sync/enrollment_token.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace cairn::sync {
namespace {

constexpr std::string_view kB64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kJoinAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    // No randomness means no safe secret; nothing sensible can continue.
    throw std::runtime_error("RAND_bytes failed");
  }
  return out;
}

}  // namespace

std::string Base64Url(std::string_view bytes) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kB64[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kB64[(acc << (6 - bits)) & 63]);
  return out;
}

Result<std::string> FromBase64Url(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    size_t v = kB64.find(c);
    if (v == std::string_view::npos) return Status::InvalidArgument("not base64url text");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::string FormatToken(const EnrollmentToken& token) {
  return "cairn1." + Base64Url(token.url) + "." + Base64Url(token.pin) + "." + token.secret;
}

Result<EnrollmentToken> ParseToken(std::string_view text) {
  auto bad = [](std::string why) {
    return Status::InvalidArgument("not a Cairn enrollment token: " + why);
  };
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  if (!text.starts_with("cairn1.")) return bad("it should start with \"cairn1.\"");
  text.remove_prefix(7);
  std::string_view parts[3];
  for (int i = 0; i < 3; ++i) {
    size_t dot = text.find('.');
    if ((dot == std::string_view::npos) != (i == 2)) return bad("it should have four parts");
    parts[i] = text.substr(0, dot);
    text = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  }
  EnrollmentToken t;
  Result<std::string> url = FromBase64Url(parts[0]);
  Result<std::string> pin = FromBase64Url(parts[1]);
  Result<std::string> secret = FromBase64Url(parts[2]);  // checks its characters
  if (!url.ok() || !pin.ok() || !secret.ok()) return bad("a part is not base64url");
  if (pin->size() != 32) return bad("the certificate pin is not a SHA-256");
  if (secret->size() < 16) return bad("the secret is too short");
  t.url = *url;
  t.pin = *pin;
  t.secret = std::string(parts[2]);
  return t;
}

std::string RandomSecret(size_t n) { return Base64Url(RandomBytes(n)); }

std::string NewJoinCode() {
  std::string code;
  while (code.size() < 9) {
    if (code.size() == 4) {
      code.push_back('-');
      continue;
    }
    unsigned char b = static_cast<unsigned char>(RandomBytes(1)[0]);
    // Reject the top of the range so every character is equally likely.
    if (b >= 248) continue;
    code.push_back(kJoinAlphabet[b % kJoinAlphabet.size()]);
  }
  return code;
}

std::string NormalizeJoinCode(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    out.push_back((c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return out;
}

bool LooksLikeJoinCode(std::string_view text) {
  std::string n = NormalizeJoinCode(text);
  if (n.size() != 8) return false;
  for (char c : n) {
    if (kJoinAlphabet.find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool IsFingerprint(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string Sha256(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md.data(), &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(md.data()), len);
}

}  // namespace cairn::sync
