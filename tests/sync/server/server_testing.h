// A real cairn-server in-process on 127.0.0.1 (port 0), a roster to work with,
// and a small Beast HTTP client to talk to it as a device would.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cairn/agent/op.h"
#include "cairn/platform/clock.h"
#include "cairn/sync/server/server.h"
#include "cairn/sync/server/storage.h"

namespace cairn::testing {

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  nlohmann::json Json() const;  // body parsed (decompressed when zstd); null if not JSON
};

struct HttpRequest {
  std::string method = "GET";
  std::string target;
  std::string body;
  std::map<std::string, std::string> headers;
};

// One request on a fresh connection.
HttpReply Send(uint16_t port, const HttpRequest& request);

// A device as the server sees it: its origin, credential and next seq.
struct TestDevice {
  Origin origin = Origin::Random();
  std::string credential;
  std::string label;
  uint64_t next_seq = 1;

  Op MakeOp(const std::string& kind, nlohmann::json body, uint64_t seq = 0) const;
};

// School "s1"; classes "A" and "B"; learners a1, a2 in A and b1 in B; a teacher t1.
class ServerFixture {
 public:
  // Per-device request rate and burst: generous unless a test is about them.
  explicit ServerFixture(double requests_per_second = 1000, double burst = 1000);
  ~ServerFixture();

  // Creates a token (before or while serving) and returns its secret and join code.
  struct Token {
    std::string secret;
    std::string join_code;
  };
  Token CreateToken(server::DeviceRole role, std::vector<std::string> classes,
                    int64_t expires_ms = 0);
  // Enrolls a new device with a new token of that role and classes.
  TestDevice Enroll(server::DeviceRole role, std::vector<std::string> classes);

  HttpReply Enroll(const nlohmann::json& request);
  // Pushes `ops` (zstd) as `device`; `seq` counters are not touched.
  HttpReply Push(const TestDevice& device, const std::vector<Op>& ops);
  HttpReply Pull(const TestDevice& device, uint64_t after, size_t limit);
  HttpReply Get(const TestDevice& device, const std::string& target);
  // All ops a device pulls, page by page.
  std::vector<Op> PullAll(const TestDevice& device, size_t page = 1000);

  // Stops the server and starts it again on the same data (on a new port).
  void Restart();
  // The limits the next Restart() serves with (rate limits are the constructor's).
  server::ServerLimits& limits() { return limits_; }

  // Blob limits; they take effect at the next Restart().
  server::BlobLimits blob_limits;
  const std::filesystem::path& dir() const { return dir_; }

  uint64_t OpCount();
  std::string Digest();
  uint16_t port() const { return server_->port(); }
  server::Server& server() { return *server_; }
  FakeClock& clock() { return clock_; }
  std::ostringstream& log() { return *log_; }

 private:
  void Serve(std::unique_ptr<server::ServerStorage> storage);

  double requests_per_second_, burst_;
  server::ServerLimits limits_;
  std::filesystem::path dir_;
  FakeClock clock_;
  std::unique_ptr<std::ostringstream> log_;
  std::unique_ptr<server::Server> server_;
};

}  // namespace cairn::testing
