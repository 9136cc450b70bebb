#include "cairn/platform/origin.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cairn/platform/hex.h"

namespace cairn {
namespace fs = std::filesystem;

Origin Origin::Random() {
  Origin o;
  size_t filled = 0;
  while (filled < o.bytes.size()) {
    ssize_t n = ::getrandom(o.bytes.data() + filled, o.bytes.size() - filled, 0);
    if (n > 0) filled += static_cast<size_t>(n);
  }
  return o;
}

Result<Origin> Origin::FromHex(std::string_view hex) {
  if (hex.size() != 32) {
    return Status::InvalidArgument("an origin id is 32 hex digits, got " +
                                   std::to_string(hex.size()) + " characters");
  }
  std::optional<std::string> raw = HexDecode(hex);
  if (!raw) {
    return Status::InvalidArgument("origin id has a non-hex character: '" + std::string(hex) + "'");
  }
  return FromBytes(*raw);
}

Result<Origin> Origin::FromBytes(std::string_view raw) {
  if (raw.size() != 16) return Status::InvalidArgument("an origin id is 16 bytes");
  Origin o;
  std::memcpy(o.bytes.data(), raw.data(), 16);
  return o;
}

std::string Origin::Hex() const {
  return HexEncode({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
}

bool Origin::IsZero() const {
  for (uint8_t b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

Status WriteFileAtomic(const fs::path& file, std::string_view contents, unsigned mode) {
  fs::path tmp = file;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Status::IoError("cannot write " + tmp.string() + ": " + std::strerror(errno));
  ::fchmod(fd, mode);  // umask must not widen or narrow what we asked for
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::IoError("cannot write " + tmp.string() + ": " + std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return Status::IoError("cannot sync " + tmp.string() + ": " + std::strerror(err));
  }
  ::close(fd);
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Status::IoError("cannot rename into " + file.string() + ": " + std::strerror(err));
  }
  fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

Result<Origin> LoadOrCreateOrigin(const fs::path& file) {
  std::error_code ec;
  if (fs::exists(file, ec)) {
    std::ifstream in(file);
    std::string text;
    std::getline(in, text);
    Result<Origin> parsed = Origin::FromHex(text);
    if (!parsed.ok()) {
      return Status::Corruption("the device id file " + file.string() +
                                " is damaged (" + parsed.status().message() +
                                "); run `cairnctl doctor` for how to recover");
    }
    return parsed;
  }
  Origin origin = Origin::Random();
  CAIRN_RETURN_IF_ERROR(WriteFileAtomic(file, origin.Hex() + "\n", 0600));
  return origin;
}

}  // namespace cairn
