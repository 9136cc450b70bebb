// SHA-256 through OpenSSL's EVP interface: content hashes of packs and blobs, and
// the replica digest.
#pragma once

#include <openssl/evp.h>

#include <string>
#include <string_view>

namespace cairn {

// An incremental hash. Not copyable (it owns an EVP context).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  // Length-prefixed, so that pieces ("ab", "c") and ("a", "bc") hash differently.
  void AddPiece(std::string_view piece);
  // 64 lower-case hex digits. Call once.
  std::string HexDigest();

 private:
  EVP_MD_CTX* ctx_;
};

// The SHA-256 of `bytes`, as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view bytes);

}  // namespace cairn
