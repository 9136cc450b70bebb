// Blobs: files named by the SHA-256 of their bytes (DESIGN.md, "Data model":
// artifacts are content-addressed blobs referenced by evidence ops; so are pack
// files). A device keeps them under $data/blobs, the school server under its
// data directory, in the same layout:
//
//   ROOT/sha256/ab/abcdef…   a complete blob, checked against its name
//   ROOT/partial/abcdef…     a transfer in progress (resumable: its size is how
//                            far it got)
//   ROOT/tmp/                files being copied in
//
// A complete blob is only ever created by renaming a file whose hash was checked
// (written, fsynced, renamed, directory fsynced), so a blob in place is whole and
// right; a crash leaves at most a partial or a temporary file.
//
// Thread safety: none; one BlobStore per thread. Two processes may share a root
// (complete blobs are immutable and appear atomically) but not a partial.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "cairn/platform/status.h"

namespace cairn {

// The largest blob a device attaches or a server accepts unless configured
// otherwise: a phone photo is 2–8 MB, a short video clip tens of MB.
constexpr uint64_t kMaxBlobBytes = 64ull << 20;

struct BlobFile {
  std::string sha256;  // 64 hex digits
  uint64_t size = 0;
};

// "$data/blobs".
std::filesystem::path BlobStoreDir(const std::filesystem::path& data_dir);

class BlobStore {
 public:
  // Directories are created when first written to.
  explicit BlobStore(std::filesystem::path root) : root_(std::move(root)) {}
  const std::filesystem::path& root() const { return root_; }

  // Where the complete blob `sha256` lives (whether or not it is there).
  std::filesystem::path PathOf(std::string_view sha256) const;
  // True when the whole blob is here.
  bool Has(std::string_view sha256) const;

  // Copies `file` in, hashing it on the way (streamed: memory stays bounded).
  // kNotFound when there is no such file; kInvalidArgument when it is empty or
  // larger than `max_bytes` (the message gives both sizes). A blob already here
  // is left as it is.
  Result<BlobFile> AddFile(const std::filesystem::path& file, uint64_t max_bytes = kMaxBlobBytes);
  // The same for bytes in memory (a pack file already read).
  Result<BlobFile> AddBytes(std::string_view bytes);

  // At most `max` bytes of the complete blob from `offset` (fewer at its end).
  // kNotFound when the blob is not here; kInvalidArgument when `offset` is past
  // its end.
  Result<std::string> Read(std::string_view sha256, uint64_t offset, size_t max) const;
  // Copies the complete blob to `to` (atomically, mode 0644), checking its hash
  // on the way: kCorruption (and nothing written) when the stored file is damaged.
  Status CopyOut(std::string_view sha256, const std::filesystem::path& to) const;

  // --- Resumable transfers ----------------------------------------------------
  // Bytes of `sha256` held: its size when complete, else what a partial transfer
  // got so far (0 when none).
  Result<uint64_t> Received(std::string_view sha256) const;
  // Appends `bytes`, which start at `offset` of a blob of `size` bytes, durable
  // on return. `offset` must be Received(): otherwise kFailedPrecondition and
  // nothing is written (ask again where to resume). Bytes beyond `size`:
  // kInvalidArgument. When the blob reaches `size` its hash is checked: a match
  // becomes the complete blob; a mismatch is deleted, all of it, and the result
  // is kCorruption. Returns Received() afterwards. A blob already complete
  // returns its size and writes nothing.
  Result<uint64_t> Append(std::string_view sha256, uint64_t size, uint64_t offset,
                          std::string_view bytes);
  // Forgets a partial transfer (nothing when none).
  Status DropPartial(std::string_view sha256);

 private:
  std::filesystem::path PartialPath(std::string_view sha256) const;
  // Moves the checked file `from` into place as blob `sha256`.
  Status Install(const std::filesystem::path& from, std::string_view sha256);

  std::filesystem::path root_;
};

}  // namespace cairn
