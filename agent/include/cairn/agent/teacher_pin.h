// Teachers' sign-in PINs on this device. A PIN guards the teacher screens of a
// shared classroom device from students; it is not an account password. Each is
// kept as a salted PBKDF2-HMAC-SHA256 hash in one file beside the store (mode
// 0600), device-local: never an op, never synced, never shown.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "cairn/platform/status.h"

namespace cairn {

class TeacherPins {
 public:
  // The file under a device's data directory (Paths::data).
  static std::filesystem::path FileIn(const std::filesystem::path& data_dir);

  // Reads `file`; a missing file holds no PINs. kCorruption naming the file when
  // it is not a PIN file (it is then left as it is: Set refuses to replace it).
  static Result<TeacherPins> Load(const std::filesystem::path& file);

  // Checks a PIN's form: 4 to 8 digits. kInvalidArgument saying so otherwise.
  static Status CheckForm(std::string_view pin);

  // Stores `pin` for `teacher` (an id), replacing an earlier one, and writes the
  // file atomically (temp file, fsync, rename). kInvalidArgument for a PIN not
  // of the right form.
  Status Set(std::string_view teacher, std::string_view pin);

  bool Has(std::string_view teacher) const { return hashes_.contains(teacher); }
  // No teacher has a PIN on this device yet.
  bool empty() const { return hashes_.empty(); }
  // True when `pin` is the teacher's PIN. False for a teacher with none.
  bool Verify(std::string_view teacher, std::string_view pin) const;
  // True when `pin` is some teacher's PIN here (a colleague vouching for a new
  // teacher). One PBKDF2 derivation per teacher with a PIN.
  bool VerifyAny(std::string_view pin) const;

 private:
  struct Hash {
    std::string salt;  // raw bytes
    int iterations = 0;
    std::string hash;  // raw bytes
  };
  static Hash Derive(std::string_view pin, std::string salt, int iterations);

  std::filesystem::path file_;
  std::map<std::string, Hash, std::less<>> hashes_;
};

}  // namespace cairn
