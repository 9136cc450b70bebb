// One libcurl easy handle to the school server, reused for every request of a
// sync so that they share one (TLS) connection. Private to sync/client.
//
// Trust: for https the server's certificate is not checked against any CA or
// name (schools use self-signed certificates); the SHA-256 pin of its public
// key is the trust (CURLOPT_PINNEDPUBLICKEY, which libcurl checks even with peer
// verification off). Without a pin (enrolling with a join code) the
// certificate is captured so that its pin can be stored: trust on first use.
// Plain http is spoken only when the URL says http://.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/platform/status.h"

namespace cairn::sync {

struct ConnectionOptions {
  std::string base_url;  // "https://school.example:8443", no trailing slash
  std::string pin;       // 32 raw bytes; empty: capture the certificate instead
  // Caps on the average rate of a request body and of a response body; 0: none.
  // Paced in our callbacks: libcurl's own caps do not hold on a fast link.
  int64_t max_send_bytes_per_s = 0;
  int64_t max_recv_bytes_per_s = 0;
  int64_t low_speed_bytes_per_s = 10;  // abort when slower than this ...
  int64_t low_speed_time_s = 30;       // ... for this long
  int64_t connect_timeout_ms = 10'000;
  size_t max_response_bytes = 4 << 20;
  const std::atomic<bool>* cancel = nullptr;  // set: the transfer in flight stops
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

// Why a request got no HTTP response.
enum class TransportFailure {
  kUnreachable,  // could not connect, timed out, too slow, cut mid-way
  kPinMismatch,  // the server's public key is not the pinned one
  kCancelled,    // `cancel` was set
  kOther,        // anything else (bad URL, out of memory, response too large)
};

struct TransportError {
  TransportFailure failure = TransportFailure::kOther;
  std::string message;  // libcurl's explanation, for logs
};

class HttpConnection {
 public:
  explicit HttpConnection(ConnectionOptions options);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends one request (GET, HEAD, or POST and PUT with `body`) with `headers` ("Name: value"
  // lines) and returns the response, whatever its status. On failure returns
  // false and fills `error`.
  bool Send(std::string_view method, std::string_view path, std::string_view body,
            const std::vector<std::string>& headers, HttpResponse& response, TransportError& error);

  // After a request without a pin: the SHA-256 pin of the certificate the server
  // showed (32 raw bytes), or "" when none was seen.
  const std::string& seen_pin() const { return seen_pin_; }

  // Bytes moved so far (bodies and headers as libcurl counts them).
  uint64_t bytes_sent() const { return bytes_sent_; }
  uint64_t bytes_received() const { return bytes_received_; }

 private:
  ConnectionOptions options_;
  void* curl_ = nullptr;  // CURL*
  std::string seen_pin_;
  uint64_t bytes_sent_ = 0;
  uint64_t bytes_received_ = 0;
};

// SHA-256 of the DER SubjectPublicKeyInfo of a PEM certificate: 32 raw bytes,
// or "" when `pem` holds no certificate.
std::string SpkiPinOfPem(std::string_view pem);

// Standard base64 with padding (what "sha256//" pins are written in).
std::string Base64(std::string_view bytes);

}  // namespace cairn::sync
