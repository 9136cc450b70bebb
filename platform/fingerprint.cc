#include "cairn/platform/fingerprint.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>
#include <fstream>
#include <sstream>

#include "cairn/platform/hex.h"
#include "cairn/platform/origin.h"

namespace cairn {
namespace fs = std::filesystem;

namespace {

// Fixed forever: changing it makes every device in every school re-enroll once.
constexpr std::string_view kAppKey = "cairn machine fingerprint v1 (3c1f8a55-4d0e-4b6e-9a51)";

// The file's first line, trimmed; "" when it is missing or unreadable.
std::string FirstLine(const fs::path& file) {
  if (file.empty()) return "";
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line)) return "";
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
  size_t start = 0;
  while (start < line.size() && std::isspace(static_cast<unsigned char>(line[start]))) ++start;
  return line.substr(start);
}

bool IsMachineId(const std::string& id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return id != std::string(32, '0');
}

}  // namespace

FingerprintSources DefaultFingerprintSources(const EnvLookup& env) {
  FingerprintSources sources;
  if (const char* f = env("CAIRN_MACHINE_ID_FILE"); f != nullptr && f[0] != '\0') {
    sources.machine_id_file = f;
  }
  if (const char* f = env("CAIRN_PRODUCT_UUID_FILE"); f != nullptr) sources.product_uuid_file = f;
  return sources;
}

Result<std::string> MachineFingerprint(const FingerprintSources& sources) {
  std::string machine_id = FirstLine(sources.machine_id_file);
  if (!IsMachineId(machine_id)) {
    return Status::FailedPrecondition(
        sources.machine_id_file.string() +
        (machine_id.empty() ? " is missing or empty" : " does not hold a machine id") +
        ", so Cairn cannot tell this machine from a copy of it; run "
        "`systemd-machine-id-setup` as root (an image must get a new one on first boot)");
  }
  for (char& c : machine_id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string uuid = FirstLine(sources.product_uuid_file);
  for (char& c : uuid) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string facts = "machine-id=" + machine_id + "\nproduct-uuid=" + uuid + "\n";

  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  if (HMAC(EVP_sha256(), kAppKey.data(), static_cast<int>(kAppKey.size()),
           reinterpret_cast<const unsigned char*>(facts.data()), facts.size(), mac,
           &mac_size) == nullptr) {
    return Status::IoError("cannot compute the machine fingerprint (OpenSSL HMAC failed)");
  }
  return HexEncode({reinterpret_cast<const char*>(mac), mac_size});
}

fs::path FingerprintFile(const fs::path& data_dir) { return data_dir / "machine-fingerprint"; }

Result<std::string> ReadStoredFingerprint(const fs::path& data_dir) {
  fs::path file = FingerprintFile(data_dir);
  std::error_code ec;
  if (!fs::exists(file, ec)) return Status::NotFound("no fingerprint stored in " + file.string());
  return FirstLine(file);
}

Status StoreFingerprint(const fs::path& data_dir, const std::string& fingerprint) {
  return WriteFileAtomic(FingerprintFile(data_dir), fingerprint + "\n", 0600);
}

Result<MachineCheckResult> CheckMachine(const fs::path& data_dir,
                                        const FingerprintSources& sources) {
  CAIRN_ASSIGN_OR_RETURN(std::string current, MachineFingerprint(sources));
  Result<std::string> stored = ReadStoredFingerprint(data_dir);
  if (!stored.ok() && stored.status().code() != Status::Code::kNotFound) return stored.status();
  if (!stored.ok()) {
    CAIRN_RETURN_IF_ERROR(StoreFingerprint(data_dir, current));
    return MachineCheckResult{MachineCheck::kAdopted, current, ""};
  }
  MachineCheck check = *stored == current ? MachineCheck::kSame : MachineCheck::kChanged;
  return MachineCheckResult{check, current, *stored};
}

}  // namespace cairn
