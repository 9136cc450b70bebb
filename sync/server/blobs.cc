#include "blobs.h"

#include <algorithm>

#include "cairn/agent/kinds.h"
#include "scope.h"

namespace cairn::server {

using nlohmann::json;

namespace {

Reply Internal(const Status& s) {
  return ErrorReply(500, "internal", "the server could not do this: " + s.message());
}

// The size an op gives the blob it names (artifact.size, pack.content_size).
uint64_t DeclaredSize(const Op& op) {
  const char* field = op.kind == "pack" ? "content_size" : "size";
  auto it = op.body.find(field);
  return it != op.body.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
}

std::string Short(std::string_view sha256) { return std::string(sha256.substr(0, 12)) + "…"; }

// Where an upload stands, for the uploader to go on from: body and headers.
Reply Progress(int status, const BlobState& state, uint64_t size) {
  Reply r{status,
          {{"received", state.received}, {"size", size}, {"complete", state.complete}}};
  r.headers = {{"Upload-Offset", std::to_string(state.received)},
               {"Upload-Length", std::to_string(size)}};
  return r;
}

}  // namespace

Result<BlobService::Access> BlobService::AccessOf(const DeviceRecord& device,
                                                  std::string_view sha256) {
  Access a;
  CAIRN_ASSIGN_OR_RETURN(std::vector<Op> ops, storage_.OpsNamingBlob(sha256));
  if (ops.empty()) return a;
  a.named = true;
  CAIRN_ASSIGN_OR_RETURN(Scope scope, LoadScope(storage_, device));
  for (const Op& op : ops) {
    if (op.origin == device.origin && op.kind == "artifact" && !a.may_upload) {
      a.may_upload = true;
      a.size = DeclaredSize(op);
    }
    if (!a.may_fetch) {
      CAIRN_ASSIGN_OR_RETURN(a.may_fetch, Visible(storage_, scope, op));
      if (a.may_fetch && !a.may_upload) a.size = DeclaredSize(op);
    }
  }
  // The device's own op makes it visible to the device whatever its scope now.
  a.may_fetch = a.may_fetch || a.may_upload;
  return a;
}

std::optional<Reply> BlobService::Refuse(const Access& access, bool upload,
                                         std::string_view sha256) {
  if (!access.named) {
    return ErrorReply(404, "not_found",
                      "no op names blob " + Short(sha256) +
                          (upload ? "; push the op that names it before its file" : ""));
  }
  if (upload && !access.may_upload) {
    return ErrorReply(403, "forbidden",
                      "blob " + Short(sha256) +
                          " is not named by an artifact of this device; a device uploads only "
                          "the files its own ops name");
  }
  if (!upload && !access.may_fetch) {
    return ErrorReply(403, "forbidden",
                      "blob " + Short(sha256) +
                          " belongs to learners or classes outside this device's scope");
  }
  return std::nullopt;
}

Reply BlobService::Head(const DeviceRecord& device, std::string_view sha256) {
  Result<Access> access = AccessOf(device, sha256);
  if (!access.ok()) return Internal(access.status());
  if (std::optional<Reply> no = Refuse(*access, access->may_upload, sha256)) return *no;
  Result<BlobState> state = storage_.Blob(sha256);
  if (!state.ok()) return Internal(state.status());
  Reply r = Progress(200, *state, access->size);
  // A HEAD answer has no body; its Content-Length is what a GET of the whole
  // blob would send when the server has it all.
  r.bytes = "";
  if (state->complete) r.headers.emplace_back("Content-Length", std::to_string(state->received));
  return r;
}

Reply BlobService::Get(const DeviceRecord& device, std::string_view sha256,
                       std::string_view range) {
  Result<Access> access = AccessOf(device, sha256);
  if (!access.ok()) return Internal(access.status());
  if (std::optional<Reply> no = Refuse(*access, false, sha256)) return *no;
  Result<BlobState> state = storage_.Blob(sha256);
  if (!state.ok()) return Internal(state.status());
  if (!state->complete) {
    return ErrorReply(404, "not_uploaded",
                      "blob " + Short(sha256) +
                          " is not on the server yet: the device that recorded it has not "
                          "uploaded it; try again later",
                      {{"received", state->received}});
  }
  const uint64_t size = state->received;
  sync::RangeRequest want;
  if (!range.empty()) {
    std::optional<sync::RangeRequest> parsed = sync::ParseRange(range);
    if (!parsed) {
      return ErrorReply(400, "bad_request",
                        "Range must be one range, bytes=FIRST- or bytes=FIRST-LAST, got \"" +
                            std::string(range.substr(0, 80)) + "\"");
    }
    want = *parsed;
  }
  if (want.first >= size) {
    Reply r = ErrorReply(416, "range_not_satisfiable",
                         "blob " + Short(sha256) + " has " + std::to_string(size) +
                             " bytes; the range starts at " + std::to_string(want.first));
    r.headers = {{"Content-Range", "bytes */" + std::to_string(size)}};
    return r;
  }
  // At most max_answer_bytes per answer: the Content-Range says what was sent,
  // and the device asks for the rest (PROTOCOL.md).
  uint64_t last = std::min({want.last.value_or(size - 1), size - 1,
                            want.first + limits_.max_answer_bytes - 1});
  Result<std::string> bytes =
      storage_.ReadBlob(sha256, want.first, static_cast<size_t>(last - want.first + 1));
  if (!bytes.ok()) return Internal(bytes.status());
  bool whole = want.first == 0 && last == size - 1;
  Reply r{whole && range.empty() ? 200 : 206, json()};
  r.bytes = std::move(bytes).value();
  r.headers = {{"Accept-Ranges", "bytes"}};
  if (r.status == 206) {
    r.headers.emplace_back("Content-Range", sync::FormatContentRange({want.first, last, size}));
  }
  return r;
}

Reply BlobService::Put(const DeviceRecord& device, std::string_view sha256,
                       std::string_view content_range, std::string_view bytes) {
  std::optional<sync::ContentRange> part = sync::ParseContentRange(content_range);
  if (!part) {
    return ErrorReply(400, "bad_request",
                      "an upload chunk needs Content-Range: bytes FIRST-LAST/SIZE, got \"" +
                          std::string(content_range.substr(0, 80)) + "\"");
  }
  if (part->length() != bytes.size()) {
    return ErrorReply(400, "bad_request",
                      "Content-Range announces " + std::to_string(part->length()) +
                          " bytes; the body has " + std::to_string(bytes.size()));
  }
  if (part->size > limits_.max_blob_bytes) {
    return ErrorReply(413, "too_large",
                      "a blob may be at most " + std::to_string(limits_.max_blob_bytes) +
                          " bytes; this one has " + std::to_string(part->size));
  }
  Result<Access> access = AccessOf(device, sha256);
  if (!access.ok()) return Internal(access.status());
  if (std::optional<Reply> no = Refuse(*access, true, sha256)) return *no;
  if (part->size != access->size) {
    return ErrorReply(400, "bad_request",
                      "blob " + Short(sha256) + " has " + std::to_string(access->size) +
                          " bytes as its op says, not " + std::to_string(part->size));
  }
  Result<BlobState> state = storage_.Blob(sha256);
  if (!state.ok()) return Internal(state.status());
  if (state->complete) {  // another device's copy
    (void)storage_.RecordFileReceived(device.id);
    return Progress(200, *state, part->size);
  }
  if (state->received == 0) {
    Result<uint64_t> used = storage_.BlobBytesOf(device.id);
    if (!used.ok()) return Internal(used.status());
    if (*used + part->size > limits_.device_quota_bytes) {
      return ErrorReply(413, "quota",
                        "this device has uploaded " + std::to_string(*used) +
                            " bytes of files; the school's limit per device is " +
                            std::to_string(limits_.device_quota_bytes));
    }
  }
  Result<BlobState> after = storage_.AppendBlob(sha256, part->size, part->first, bytes, device.id);
  if (!after.ok()) {
    switch (after.status().code()) {
      case Status::Code::kFailedPrecondition: {
        Reply r = Progress(409, *state, part->size);
        r.body = {{"error", "offset"},
                  {"message", "the server holds " + std::to_string(state->received) +
                                  " bytes of this blob; send from there"},
                  {"received", state->received}};
        return r;
      }
      case Status::Code::kCorruption:
        return ErrorReply(400, "hash_mismatch",
                          "the bytes sent do not have the SHA-256 they were sent as; nothing "
                          "of them was kept, send the file again from the start",
                          {{"received", 0}});
      default:
        return Internal(after.status());
    }
  }
  // Bookkeeping for `cairn-server devices`; it must not fail the upload.
  if (after->complete) (void)storage_.RecordFileReceived(device.id);
  return Progress(200, *after, part->size);
}

}  // namespace cairn::server
