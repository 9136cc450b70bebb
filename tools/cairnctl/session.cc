#include "session.h"

#include "cairn/platform/config.h"
#include "cairn/sync/client/device_identity.h"
#include "image.h"

namespace cairn::cli {

std::filesystem::path InstalledTokenFile() {
  Config config = Config::Load(DefaultConfigSources());
  std::filesystem::path file = config.Value("enrollment_token_file");
  return sync::ReadEnrollmentToken(file).empty() ? std::filesystem::path() : file;
}

std::string NotSetUpYet(const std::filesystem::path& store_file) {
  if (std::filesystem::path token = InstalledTokenFile(); !token.empty()) {
    return "this device is not set up yet (" + store_file.string() +
           "): the first `cairnctl sync` (or opening Cairn) joins the school with IT's token at " +
           token.string();
  }
  Config config = Config::Load(DefaultConfigSources());
  std::string join =
      "join the school's server with `cairnctl enroll TOKEN` (a token from IT), or with a join "
      "code: `cairnctl enroll CODE --server URL` or in the Cairn app";
  if (!config.Value("server_url").empty()) {
    // IT configured a school server: this device is meant for the school.
    return "this device is not set up yet (" + store_file.string() + "): " + join;
  }
  return "this device is not set up yet (" + store_file.string() + "): " + join +
         "; for a classroom without a school server, `cairnctl init --standalone --school NAME`";
}

namespace {

Result<Session> Open(bool create, bool renew) {
  Session session;
  CAIRN_ASSIGN_OR_RETURN(session.paths, ResolvePaths());
  session.store_file = sync::StoreFile(session.paths.data);
  if (create) CAIRN_RETURN_IF_ERROR(CreateDirectories(session.paths));
  std::error_code ec;
  if (!create && !std::filesystem::exists(session.store_file, ec)) {
    return Status::NotFound(NotSetUpYet(session.store_file));
  }
  StoreOptions options;
  options.path = session.store_file;
  options.create_if_missing = create;
  CAIRN_ASSIGN_OR_RETURN(session.store, Store::Open(options));
  if (!create && !session.store->initialized()) {
    return Status::NotFound(NotSetUpYet(session.store_file));
  }
  // Every start: a store copied from another machine takes a new device id before
  // it writes anything here.
  if (renew && session.store->initialized()) CAIRN_RETURN_IF_ERROR(RenewIdentityIfMoved(session));
  return session;
}

}  // namespace

Result<Session> OpenSession() { return Open(false, true); }
Result<Session> OpenSessionToInspect() { return Open(false, false); }
Result<Session> CreateSession() { return Open(true, true); }

}  // namespace cairn::cli
