// The store cairnctl works on, found through the platform's paths: $CAIRN_HOME
// when set, else the XDG data directory (~/.local/share/cairn).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "cairn/agent/store.h"
#include "cairn/platform/paths.h"
#include "cairn/platform/status.h"

namespace cairn::cli {

struct Session {
  Paths paths;
  std::filesystem::path store_file;
  std::unique_ptr<Store> store;
  // Set when opening found the store had last run on another machine and gave it
  // a new device id (sync/client/device_identity.h): what happened, for people.
  std::string identity_note;
};

// The enrollment token file IT installed (`enrollment_token_file`), or "" when
// it holds no token.
std::filesystem::path InstalledTokenFile();
// What happens next on a device whose store at `store_file` is missing or has
// no identity yet, for people: with IT's token installed, the first sync joins
// the school by itself; else how to enroll (and, when no school server is
// configured, how to set up a standalone classroom).
std::string NotSetUpYet(const std::filesystem::path& store_file);

// Opens the existing, initialized store. kNotFound (NotSetUpYet) when there is
// none; kBusy when another process holds it.
Result<Session> OpenSession();
// As OpenSession, but leaves the device identity alone even when the store last
// ran on another machine: for `doctor`, which reports that and must not undo a
// `prepare-image` by looking.
Result<Session> OpenSessionToInspect();

// Creates the directories and opens (or creates) the store, for `init`.
Result<Session> CreateSession();

}  // namespace cairn::cli
