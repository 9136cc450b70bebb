#include "session.h"

#include "cairn/sync/client/device_identity.h"
#include "image.h"

namespace cairn::cli {

namespace {

Result<Session> Open(bool create, bool renew) {
  Session session;
  CAIRN_ASSIGN_OR_RETURN(session.paths, ResolvePaths());
  session.store_file = sync::StoreFile(session.paths.data);
  if (create) CAIRN_RETURN_IF_ERROR(CreateDirectories(session.paths));
  StoreOptions options;
  options.path = session.store_file;
  options.create_if_missing = create;
  CAIRN_ASSIGN_OR_RETURN(session.store, Store::Open(options));
  if (!create && !session.store->initialized()) {
    return Status::NotFound("the store at " + session.store_file.string() +
                            " has no identity yet; run `cairnctl init --standalone --school NAME`");
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
