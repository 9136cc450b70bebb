#include "cairn/agent/teacher_pin.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cairn/platform/hex.h"
#include "cairn/platform/origin.h"

namespace cairn {
namespace {

// PBKDF2 rounds: one check took 69 ms at best (7 runs, 69–154 ms) on the 2-core
// development VM under a load of ~14, timing PKCS5_PBKDF2_HMAC-SHA256 with these
// parameters alone; not measured on a school laptop. So guessing the 10^4 4-digit
// PINs of a stolen file costs minutes per teacher, while signing in stays quick.
constexpr int kIterations = 60'000;
constexpr size_t kSaltBytes = 16, kHashBytes = 32;

}  // namespace

std::filesystem::path TeacherPins::FileIn(const std::filesystem::path& data_dir) {
  return data_dir / "teacher-pins.json";
}

Status TeacherPins::CheckForm(std::string_view pin) {
  if (pin.size() < 4 || pin.size() > 8 || pin.find_first_not_of("0123456789") != pin.npos) {
    return Status::InvalidArgument("a PIN is 4 to 8 digits");
  }
  return Status::Ok();
}

TeacherPins::Hash TeacherPins::Derive(std::string_view pin, std::string salt, int iterations) {
  Hash h{std::move(salt), iterations, std::string(kHashBytes, '\0')};
  PKCS5_PBKDF2_HMAC(pin.data(), static_cast<int>(pin.size()),
                    reinterpret_cast<const unsigned char*>(h.salt.data()),
                    static_cast<int>(h.salt.size()), iterations, EVP_sha256(),
                    static_cast<int>(kHashBytes), reinterpret_cast<unsigned char*>(h.hash.data()));
  return h;
}

Result<TeacherPins> TeacherPins::Load(const std::filesystem::path& file) {
  TeacherPins pins;
  pins.file_ = file;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(file)) return pins;
    return Status::IoError("cannot read " + file.string());
  }
  std::stringstream text;
  text << in.rdbuf();
  auto bad = [&](const std::string& why) {
    return Status::Corruption(file.string() + " is not a teacher PIN file (" + why +
                              "); move it aside and set the PINs again with `cairnctl teacher pin`");
  };
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return bad("not a JSON object");
  for (auto& [teacher, entry] : j.items()) {
    if (!entry.is_object() || !entry.contains("salt") || !entry.contains("hash") ||
        !entry.contains("iterations") || !entry["salt"].is_string() ||
        !entry["hash"].is_string() || !entry["iterations"].is_number_integer()) {
      return bad("the entry of '" + teacher + "' lacks salt, hash or iterations");
    }
    Hash h;
    h.iterations = entry["iterations"].get<int>();
    std::optional<std::string> salt = HexDecode(entry["salt"].get<std::string>());
    std::optional<std::string> hash = HexDecode(entry["hash"].get<std::string>());
    if (!salt || !hash || hash->size() != kHashBytes || h.iterations < 1 ||
        h.iterations > 10'000'000) {
      return bad("the entry of '" + teacher + "' is damaged");
    }
    h.salt = std::move(*salt);
    h.hash = std::move(*hash);
    pins.hashes_.emplace(teacher, std::move(h));
  }
  return pins;
}

Status TeacherPins::Set(std::string_view teacher, std::string_view pin) {
  CAIRN_RETURN_IF_ERROR(CheckForm(pin));
  if (teacher.empty()) return Status::InvalidArgument("which teacher's PIN?");
  std::string salt(kSaltBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(kSaltBytes)) !=
      1) {
    return Status::IoError("no random bytes for the PIN's salt");
  }
  std::map<std::string, Hash, std::less<>> next = hashes_;
  next.insert_or_assign(std::string(teacher), Derive(pin, std::move(salt), kIterations));
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [id, h] : next) {
    j[id] = {
        {"salt", HexEncode(h.salt)}, {"iterations", h.iterations}, {"hash", HexEncode(h.hash)}};
  }
  CAIRN_RETURN_IF_ERROR(WriteFileAtomic(file_, j.dump(2) + "\n", 0600));
  hashes_ = std::move(next);
  return Status::Ok();
}

bool TeacherPins::Verify(std::string_view teacher, std::string_view pin) const {
  auto it = hashes_.find(teacher);
  if (it == hashes_.end() || !CheckForm(pin).ok()) return false;
  Hash h = Derive(pin, it->second.salt, it->second.iterations);
  return CRYPTO_memcmp(h.hash.data(), it->second.hash.data(), kHashBytes) == 0;
}

bool TeacherPins::VerifyAny(std::string_view pin) const {
  for (const auto& [teacher, hash] : hashes_) {
    if (Verify(teacher, pin)) return true;
  }
  return false;
}

}  // namespace cairn
