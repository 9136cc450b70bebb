// `prepare-image`: before IT captures a golden disk image, remove what makes this
// installation one particular device, keep what every copy should share.
// DESIGN.md, "Device identity and imaging".
#include <iostream>

#include "cairn/platform/fingerprint.h"
#include "cairn/sync/client/client.h"
#include "cairn/sync/client/device_identity.h"
#include "cairn/sync/client/sync_record.h"
#include "commands.h"
#include "human.h"
#include "image.h"
#include "session.h"

namespace cairn::cli {
namespace {

Status PrepareImage(const Args& args) {
  // The session holds the store's lock: the app and the sync timer are not
  // writing while we take the identity apart.
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  CAIRN_ASSIGN_OR_RETURN(StoreStats stats, session.store->Stats());
  bool dry_run = args.Has("dry-run");
  // Ops not yet on the server would stay behind on every copy: each copy takes a
  // new id, and none may send the old one's ops.
  // (A damaged record is removed below like a sound one.)
  auto record = sync::LoadSyncRecord(sync::SyncRecordFile(session.paths.data));
  if (record.ok() && record->has_value()) {
    uint64_t unsent = sync::PendingOps(*session.store, **record);
    if (unsent > 0) {
      std::cout << "Warning: " << Count(unsent, "op") << " of this device not yet sent to "
                << (*record)->server_url << "; run `cairnctl sync` first, or they stay behind.\n";
    }
  }
  std::vector<std::filesystem::path> removed;
  CAIRN_RETURN_IF_ERROR(
      sync::RemoveDeviceIdentity(session.paths.data, kPreparedImageFingerprint, dry_run, removed));
  std::cout << (dry_run ? "Would remove" : "Removed") << " this device's identity:\n";
  for (const auto& f : removed) std::cout << "  " << f.string() << "\n";
  if (removed.empty()) std::cout << "  (nothing: no credential, cursor or fingerprint here)\n";
  std::cout << (dry_run ? "Would mark" : "Marked") << " the store to take a new device id ("
            << "replacing " << session.store->self().Hex()
            << ") and re-enroll on its next start on any machine.\n"
            << "Kept: the store (" << Count(stats.total_ops, "op") << ": content, roster, "
            << "learners' work) and the enrollment token.\n\n"
            << kImageChecklist;
  return Status::Ok();
}

}  // namespace

void AddImageCommand(std::vector<Command>& out) {
  out.push_back({"prepare-image",
                 "remove this device's identity before capturing a disk image",
                 {},
                 {{"dry-run", "", "say what would be removed, remove nothing"}},
                 "Removes the device's credential and sync cursors and its machine\n"
                 "fingerprint, and marks the store so that each copy of the image takes a\n"
                 "new device id and enrolls with the token in /etc/cairn on its first start.\n"
                 "Keeps the store's content and the enrollment token. Run it last, as the\n"
                 "user whose store goes into the image, with the app closed; then follow\n"
                 "the checklist it prints (installers/IMAGING.md).",
                 PrepareImage});
}

}  // namespace cairn::cli
