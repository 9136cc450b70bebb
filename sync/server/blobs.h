// The blob endpoints' logic (sync/PROTOCOL.md, "Blobs"), free of HTTP like
// service.h: who may upload or fetch a blob, resumable uploads by chunk, ranged
// downloads. Runs on the server's writer thread (it uses the ServerStorage).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cairn/sync/byte_range.h"
#include "cairn/sync/server/server.h"
#include "cairn/sync/server/storage.h"
#include "service.h"

namespace cairn::server {

class BlobService {
 public:
  BlobService(ServerStorage& storage, const BlobLimits& limits)
      : storage_(storage), limits_(limits) {}

  // HEAD /v1/blobs/SHA: how much the server holds (Upload-Offset, Upload-Length).
  Reply Head(const DeviceRecord& device, std::string_view sha256);
  // GET /v1/blobs/SHA with an optional Range ("" when absent).
  Reply Get(const DeviceRecord& device, std::string_view sha256, std::string_view range);
  // PUT /v1/blobs/SHA: one chunk, placed by its Content-Range.
  Reply Put(const DeviceRecord& device, std::string_view sha256, std::string_view content_range,
            std::string_view bytes);

 private:
  // What `device` may do with a blob, from the ops that name it.
  struct Access {
    bool named = false;        // some op names it
    bool may_fetch = false;    // an op naming it is in the device's scope
    bool may_upload = false;   // one of the device's own ops names it
    uint64_t size = 0;         // the size the naming ops give (the device's own first)
  };
  Result<Access> AccessOf(const DeviceRecord& device, std::string_view sha256);
  // The 403/404 for a device that may not do `what`; nullopt when it may.
  std::optional<Reply> Refuse(const Access& access, bool upload, std::string_view sha256);

  ServerStorage& storage_;
  const BlobLimits& limits_;
};

}  // namespace cairn::server
