#include "cairn/agent/blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "cairn/agent/kinds.h"
#include "sha256.h"

namespace cairn {
namespace fs = std::filesystem;

namespace {

// Copies and hashes go through buffers of this size: memory stays bounded
// whatever the file's size.
constexpr size_t kBuffer = 256 * 1024;

Status Errno(const std::string& what, const fs::path& file) {
  return Status::IoError("cannot " + what + " " + file.string() + ": " + std::strerror(errno));
}

// An open file descriptor, closed when it goes away.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

Status WriteAll(int fd, std::string_view bytes, const fs::path& file) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("write", file);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// Reads up to `max` bytes at `offset`; fewer only at the end of the file.
Result<std::string> ReadAt(int fd, uint64_t offset, size_t max, const fs::path& file) {
  std::string out(max, '\0');
  size_t got = 0;
  while (got < max) {
    ssize_t n = ::pread(fd, out.data() + got, max - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("read", file);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return out;
}

// Streams `fd` from its start through `sink`, hashing; returns the hex digest.
template <typename Sink>
Result<std::string> HashThrough(int fd, const fs::path& file, Sink&& sink) {
  Sha256 hash;
  uint64_t offset = 0;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(std::string chunk, ReadAt(fd, offset, kBuffer, file));
    if (chunk.empty()) break;
    hash.Update(chunk);
    CAIRN_RETURN_IF_ERROR(sink(chunk));
    offset += chunk.size();
  }
  return hash.HexDigest();
}

Status SyncDir(const fs::path& dir) {
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.ok()) ::fsync(d.get());
  return Status::Ok();
}

Status MakeDirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir.string() + ": " + ec.message());
  return Status::Ok();
}

std::string TempName() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::to_string(::getpid()) + "-" + std::to_string(rng());
}

std::string Mib(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

Status CheckName(std::string_view sha256) {
  if (IsSha256Hex(sha256)) return Status::Ok();
  return Status::InvalidArgument("not a blob name (64 lower-case hex digits): \"" +
                                 std::string(sha256.substr(0, 80)) + "\"");
}

}  // namespace

fs::path BlobStoreDir(const fs::path& data_dir) { return data_dir / "blobs"; }

fs::path BlobStore::PathOf(std::string_view sha256) const {
  std::string name(sha256);
  return root_ / "sha256" / name.substr(0, 2) / name;
}

fs::path BlobStore::PartialPath(std::string_view sha256) const {
  return root_ / "partial" / std::string(sha256);
}

bool BlobStore::Has(std::string_view sha256) const {
  std::error_code ec;
  return IsSha256Hex(sha256) && fs::is_regular_file(PathOf(sha256), ec);
}

Status BlobStore::Install(const fs::path& from, std::string_view sha256) {
  fs::path to = PathOf(sha256);
  CAIRN_RETURN_IF_ERROR(MakeDirs(to.parent_path()));
  if (::rename(from.c_str(), to.c_str()) != 0) return Errno("move a blob into", to);
  return SyncDir(to.parent_path());
}

Result<BlobFile> BlobStore::AddFile(const fs::path& file, uint64_t max_bytes) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    return Status::NotFound("there is no file " + file.string());
  }
  uint64_t size = fs::file_size(file, ec);
  if (ec) return Status::IoError("cannot read " + file.string() + ": " + ec.message());
  if (size == 0) return Status::InvalidArgument(file.string() + " is empty");
  if (size > max_bytes) {
    return Status::InvalidArgument(file.string() + " is " + Mib(size) +
                                   "; a file attached to Cairn may be at most " + Mib(max_bytes));
  }
  Fd in(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.ok()) return Errno("open", file);
  CAIRN_RETURN_IF_ERROR(MakeDirs(root_ / "tmp"));
  fs::path temp = root_ / "tmp" / TempName();
  Result<BlobFile> added = [&]() -> Result<BlobFile> {
    Fd out(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!out.ok()) return Errno("create", temp);
    BlobFile blob;
    CAIRN_ASSIGN_OR_RETURN(blob.sha256, HashThrough(in.get(), file, [&](std::string_view chunk) {
                             blob.size += chunk.size();
                             // The file grew while it was copied: refuse rather than
                             // keep an unbounded copy.
                             if (blob.size > max_bytes) {
                               return Status::InvalidArgument(file.string() +
                                                              " grew past the size limit");
                             }
                             return WriteAll(out.get(), chunk, temp);
                           }));
    if (::fsync(out.get()) != 0) return Errno("sync", temp);
    if (blob.size == 0) return Status::InvalidArgument(file.string() + " is empty");
    return blob;
  }();
  if (added.ok() && !Has(added->sha256)) {
    Status s = Install(temp, added->sha256);
    if (!s.ok()) added = s;
  }
  fs::remove(temp, ec);  // gone already when installed
  return added;
}

Result<BlobFile> BlobStore::AddBytes(std::string_view bytes) {
  BlobFile blob{Sha256Hex(bytes), bytes.size()};
  if (bytes.empty()) return Status::InvalidArgument("an empty blob");
  if (Has(blob.sha256)) return blob;
  CAIRN_RETURN_IF_ERROR(MakeDirs(root_ / "tmp"));
  fs::path temp = root_ / "tmp" / TempName();
  Status s = [&] {
    Fd out(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!out.ok()) return Errno("create", temp);
    CAIRN_RETURN_IF_ERROR(WriteAll(out.get(), bytes, temp));
    if (::fsync(out.get()) != 0) return Errno("sync", temp);
    return Install(temp, blob.sha256);
  }();
  std::error_code ec;
  fs::remove(temp, ec);
  if (!s.ok()) return s;
  return blob;
}

Result<std::string> BlobStore::Read(std::string_view sha256, uint64_t offset, size_t max) const {
  CAIRN_RETURN_IF_ERROR(CheckName(sha256));
  fs::path file = PathOf(sha256);
  Fd in(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.ok()) {
    if (errno == ENOENT) return Status::NotFound("no blob " + std::string(sha256) + " here");
    return Errno("open", file);
  }
  struct stat st {};
  if (::fstat(in.get(), &st) != 0) return Errno("read", file);
  if (offset > static_cast<uint64_t>(st.st_size)) {
    return Status::InvalidArgument("offset " + std::to_string(offset) + " is past the end of " +
                                   std::string(sha256) + " (" + std::to_string(st.st_size) +
                                   " bytes)");
  }
  return ReadAt(in.get(), offset, max, file);
}

Status BlobStore::CopyOut(std::string_view sha256, const fs::path& to) const {
  CAIRN_RETURN_IF_ERROR(CheckName(sha256));
  fs::path file = PathOf(sha256);
  Fd in(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.ok()) return Status::NotFound("no blob " + std::string(sha256) + " on this device");
  fs::path temp = to;
  temp += ".tmp";
  Status s = [&]() -> Status {
    Fd out(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!out.ok()) return Errno("create", temp);
    CAIRN_ASSIGN_OR_RETURN(std::string digest,
                           HashThrough(in.get(), file, [&](std::string_view chunk) {
                             return WriteAll(out.get(), chunk, temp);
                           }));
    if (digest != sha256) {
      return Status::Corruption("the stored blob " + file.string() +
                                " does not match its SHA-256 (damaged disk?)");
    }
    if (::fsync(out.get()) != 0) return Errno("sync", temp);
    if (::rename(temp.c_str(), to.c_str()) != 0) return Errno("write", to);
    return Status::Ok();
  }();
  std::error_code ec;
  if (!s.ok()) fs::remove(temp, ec);
  return s;
}

Result<uint64_t> BlobStore::Received(std::string_view sha256) const {
  CAIRN_RETURN_IF_ERROR(CheckName(sha256));
  std::error_code ec;
  for (const fs::path& file : {PathOf(sha256), PartialPath(sha256)}) {
    uint64_t size = fs::file_size(file, ec);
    if (!ec) return size;
  }
  return uint64_t{0};
}

Result<uint64_t> BlobStore::Append(std::string_view sha256, uint64_t size, uint64_t offset,
                                   std::string_view bytes) {
  CAIRN_RETURN_IF_ERROR(CheckName(sha256));
  if (Has(sha256)) return size;
  CAIRN_ASSIGN_OR_RETURN(uint64_t held, Received(sha256));
  if (offset != held) {
    return Status::FailedPrecondition("blob " + std::string(sha256) + ": " +
                                      std::to_string(held) + " bytes are held, not " +
                                      std::to_string(offset) + "; resume from there");
  }
  if (offset + bytes.size() > size) {
    return Status::InvalidArgument("blob " + std::string(sha256) + ": " +
                                   std::to_string(offset + bytes.size()) +
                                   " bytes is more than its size, " + std::to_string(size));
  }
  fs::path partial = PartialPath(sha256);
  CAIRN_RETURN_IF_ERROR(MakeDirs(partial.parent_path()));
  {
    Fd out(::open(partial.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (!out.ok()) return Errno("write", partial);
    CAIRN_RETURN_IF_ERROR(WriteAll(out.get(), bytes, partial));
    if (::fdatasync(out.get()) != 0) return Errno("sync", partial);
  }
  held = offset + bytes.size();
  if (held < size) return held;
  Fd in(::open(partial.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.ok()) return Errno("read", partial);
  CAIRN_ASSIGN_OR_RETURN(std::string digest,
                         HashThrough(in.get(), partial, [](std::string_view) { return Status::Ok(); }));
  if (digest != sha256) {
    CAIRN_RETURN_IF_ERROR(DropPartial(sha256));
    return Status::Corruption("the " + std::to_string(size) + " bytes received for blob " +
                              std::string(sha256) + " have SHA-256 " + digest +
                              "; they were discarded");
  }
  CAIRN_RETURN_IF_ERROR(Install(partial, sha256));
  return size;
}

Status BlobStore::DropPartial(std::string_view sha256) {
  CAIRN_RETURN_IF_ERROR(CheckName(sha256));
  std::error_code ec;
  fs::remove(PartialPath(sha256), ec);
  if (ec) return Status::IoError("cannot remove " + PartialPath(sha256).string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace cairn
