// cairn-server's HTTP(S) front: Boost.Beast, asynchronous (one network thread
// serves every connection), in front of one writer thread that owns the
// ServerStorage (sync/PROTOCOL.md describes the endpoints).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include "cairn/platform/clock.h"
#include "cairn/platform/status.h"
#include "cairn/sync/server/storage.h"
#include "cairn/sync/wire.h"

namespace cairn::server {

// Blobs (PROTOCOL.md, "Blobs").
struct BlobLimits {
  uint64_t max_blob_bytes = kMaxBlobBytes;   // a larger upload is 413
  size_t max_answer_bytes = 1 << 20;         // one download answer holds at most this
  uint64_t device_quota_bytes = 8ull << 30;  // bytes of files one device may upload, in all
};

struct ServerLimits {
  size_t max_header_bytes = 8 * 1024;  // request line and headers: 431 past it
  sync::WireLimits wire;               // body, decoded body, JSON depth, ops per batch
  size_t max_pull_ops = 5000;          // the most ops one pull returns
  // Per device: a token bucket of `burst` requests refilled at `per_second`.
  double requests_per_second = 20;
  double burst = 40;
  // Per client address, for enroll (join codes are short): a smaller bucket.
  double enrolls_per_second = 1;
  double enroll_burst = 10;
  int idle_timeout_s = 60;  // a connection that sends nothing for this long is closed
  BlobLimits blobs;
  // Requests being decoded, queued for the writer or being answered. Past it a
  // request is answered 503 with Retry-After at once (a storm of devices is
  // spread out instead of queued until they time out).
  size_t max_requests_in_flight = 128;
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port (see Server::port())
  // TLS with this certificate and key (PEM). Both empty: plain HTTP, which is
  // refused unless the address is a loopback one or insecure_http is set.
  std::filesystem::path cert;
  std::filesystem::path key;
  bool insecure_http = false;
  ServerLimits limits;
  const Clock* clock = &SystemClock();
  // One line per request; nullptr for none. Written from the network thread.
  std::ostream* log = nullptr;
};

class Server {
 public:
  // Binds and starts serving on background threads. kInvalidArgument for plain
  // HTTP on a non-loopback address without insecure_http; kIoError when the
  // address cannot be bound or the certificate not loaded.
  static Result<std::unique_ptr<Server>> Start(std::unique_ptr<ServerStorage> storage,
                                               const ServerOptions& options);
  ~Server();  // Stop()s
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  uint16_t port() const;
  // Runs `fn` on the writer thread with the storage, between requests, and waits
  // for it (tests, in-process tools). kFailedPrecondition once stopping.
  Status WithStorage(const std::function<void(ServerStorage&)>& fn);
  bool tls() const;
  // Stops accepting, lets batches already handed to the writer commit (a batch
  // not yet handed over gets 503), answers what it can, closes every
  // connection, and returns when the threads are gone. Idempotent.
  void Stop();
  // Blocks until Stop() has been called (from another thread or a signal handler
  // thread) and has finished.
  void Wait();

  class Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn::server
