// An exclusive, advisory lock on a file, so one process owns a store at a time.
#pragma once

#include <filesystem>

#include "cairn/platform/status.h"

namespace cairn {

class LockFile {
 public:
  // Takes the lock at `path` (creating the file) without waiting, and writes our
  // pid into it. If another process (or another LockFile in this one) holds it,
  // returns kBusy with "in use by pid N". The lock is released when the LockFile
  // is destroyed or the process dies, even by SIGKILL (flock semantics).
  static Result<LockFile> Acquire(const std::filesystem::path& path);

  LockFile(LockFile&& other) noexcept;
  LockFile& operator=(LockFile&& other) noexcept;
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;
  ~LockFile();

  const std::filesystem::path& path() const { return path_; }

 private:
  LockFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace cairn
