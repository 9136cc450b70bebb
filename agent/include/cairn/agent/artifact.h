// A photo or file kept as evidence: its bytes go into the device's blob store
// (blob_store.h), and an `artifact` op names them by SHA-256, size, media type
// and the file's name. The op syncs like any op; the bytes follow as a blob.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/agent/blob_store.h"
#include "cairn/agent/op.h"
#include "cairn/agent/store.h"
#include "cairn/platform/status.h"

namespace cairn {

struct Attachment {
  BlobFile blob;
  std::string media_type;  // from the file name's extension
  std::string name;        // the file's name, without its directory
};

// Copies `file` into `blobs` (errors as BlobStore::AddFile: kNotFound, or
// kInvalidArgument for an empty file or one over kMaxBlobBytes).
Result<Attachment> AttachFile(BlobStore& blobs, const std::filesystem::path& file);

// The body of the artifact op recording `attachment` about `learners`;
// `teacher` is left out when empty.
nlohmann::json ArtifactBody(const Attachment& attachment, const std::vector<std::string>& learners,
                            std::string_view teacher = "");

// Records an observation (`observation`, its op body) with `file` attached, as
// a teacher does in the field: the file is copied into `blobs`, an artifact op
// names it (the observation's learners and teacher), and the observation lists
// its SHA-256 in `artifacts`; both ops in one transaction. Returns the
// observation's id. On any error nothing is recorded.
Result<OpId> AppendObservationWithFile(Store& store, BlobStore& blobs, nlohmann::json observation,
                                       const std::filesystem::path& file);

// "image/jpeg" for photo.JPG, ... ; "application/octet-stream" when unknown.
std::string MediaTypeOf(const std::filesystem::path& file);

}  // namespace cairn
