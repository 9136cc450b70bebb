// The machine's fingerprint: which computer (or container) a store is running on,
// so a store copied to another machine (a cloned disk image, a restored Crostini
// backup) notices and takes a new device identity (DESIGN.md, "Device identity
// and imaging").
//
// It is an app-specific hash, HMAC-SHA256 under a key fixed in Cairn, of
// /etc/machine-id plus hardware facts (the DMI product UUID when the kernel lets
// us read it). The raw machine id never leaves the machine nor lands in our files:
// systemd asks applications to use a keyed hash of it instead (machine-id(5)).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "cairn/platform/paths.h"
#include "cairn/platform/status.h"

namespace cairn {

struct FingerprintSources {
  std::filesystem::path machine_id_file = "/etc/machine-id";
  // Readable by root only on most PCs; then it simply does not count.
  std::filesystem::path product_uuid_file = "/sys/class/dmi/id/product_uuid";
};

// The real files, or the ones named by CAIRN_MACHINE_ID_FILE and
// CAIRN_PRODUCT_UUID_FILE (tests; an empty CAIRN_PRODUCT_UUID_FILE: none).
FingerprintSources DefaultFingerprintSources(const EnvLookup& env = ProcessEnv());

// 64 lower-case hex digits. kFailedPrecondition when the machine id is missing,
// empty or not 32 hex digits ("run systemd-machine-id-setup"): without it no
// clone can be told apart, and callers must say so rather than guess.
Result<std::string> MachineFingerprint(const FingerprintSources& sources);

// What `cairnctl prepare-image` stores instead of a fingerprint: it matches no
// machine, so the first start of every copy of the image sees a change.
inline constexpr std::string_view kPreparedImageFingerprint = "prepared-image";

// The fingerprint stored beside a device's store (its data directory), written by
// the agent on the machine it last ran on. kNotFound when there is none.
std::filesystem::path FingerprintFile(const std::filesystem::path& data_dir);
Result<std::string> ReadStoredFingerprint(const std::filesystem::path& data_dir);
Status StoreFingerprint(const std::filesystem::path& data_dir, const std::string& fingerprint);

// What a start finds when it compares the stored fingerprint with the machine's.
enum class MachineCheck {
  kSame,     // the machine this store last ran on
  kAdopted,  // none was stored (a new store, or one from before fingerprints): the
             // machine's is stored now, the identity stays
  kChanged,  // another machine, or a prepared image: the caller must take a new
             // origin and re-enroll, then StoreFingerprint(current)
};
struct MachineCheckResult {
  MachineCheck check;
  std::string current;  // this machine's fingerprint
  std::string stored;   // what was stored ("" for kAdopted)
};
// Compares and, for kAdopted only, stores. Errors: no machine id (see
// MachineFingerprint), or the data directory cannot be written.
Result<MachineCheckResult> CheckMachine(const std::filesystem::path& data_dir,
                                        const FingerprintSources& sources);

}  // namespace cairn
