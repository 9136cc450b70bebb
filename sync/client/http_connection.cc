#include "http_connection.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>

namespace cairn::sync {
namespace {

// Keeps one direction of a transfer at or under `bytes_per_s` on average by
// sleeping after each chunk, which holds libcurl back from the socket (TCP then
// slows the other side). libcurl's own caps (CURLOPT_MAX_*_SPEED_LARGE, 7.88)
// did not slow a body that arrives in one burst: a 176 KiB pull under a 32 KiB/s
// cap took 1.8 and 2.2 s, no slower than without it (2.1 and 2.4 s); paced here,
// 5.8 s against 0.6 s (tests/installers/sync_settings_test.cc, one run each).
class Pacer {
 public:
  Pacer(int64_t bytes_per_s, const std::atomic<bool>* cancel)
      : bytes_per_s_(bytes_per_s), cancel_(cancel) {}

  // The largest chunk to move at once: a quarter second's worth, so that the
  // cap holds within one body too.
  size_t Chunk(size_t wanted) const {
    if (bytes_per_s_ <= 0) return wanted;
    return std::min(wanted, static_cast<size_t>(std::max<int64_t>(1024, bytes_per_s_ / 4)));
  }

  void After(size_t n) {
    if (bytes_per_s_ <= 0) return;
    moved_ += n;
    auto due =
        start_ + std::chrono::microseconds(static_cast<int64_t>(moved_) * 1'000'000 / bytes_per_s_);
    // In slices, so that a cancelled sync stops within 50 ms (OnProgress aborts it).
    while (std::chrono::steady_clock::now() < due && !(cancel_ && cancel_->load())) {
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          due - std::chrono::steady_clock::now(), std::chrono::milliseconds(50)));
    }
  }

 private:
  int64_t bytes_per_s_;
  const std::atomic<bool>* cancel_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  uint64_t moved_ = 0;
};

struct Transfer {
  HttpResponse* response = nullptr;
  size_t max_bytes = 0;
  bool too_large = false;
  const std::atomic<bool>* cancel = nullptr;
  Pacer receive;
  Pacer send;
  std::string_view body;    // the whole POST or PUT body
  std::string_view upload;  // what is left of it
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  if (t->response->body.size() + size * n > t->max_bytes) {
    t->too_large = true;
    return 0;  // libcurl stops with CURLE_WRITE_ERROR
  }
  t->response->body.append(data, size * n);
  t->receive.After(size * n);
  return size * n;
}

size_t OnUpload(char* buffer, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t chunk = t->send.Chunk(std::min(size * n, t->upload.size()));
  std::memcpy(buffer, t->upload.data(), chunk);
  t->upload.remove_prefix(chunk);
  t->send.After(chunk);
  return chunk;
}

// libcurl rewinds the body to send it again on a new connection when a reused
// one was cut (without this, CURLE_SEND_FAIL_REWIND and no retry).
int OnSeek(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > t->body.size()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  t->upload = t->body.substr(static_cast<size_t>(offset));
  return CURL_SEEKFUNC_OK;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    t->response->headers.clear();  // a new response (after 100 Continue, say)
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string name;
  for (char c : line.substr(0, colon)) {
    name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  t->response->headers[name] = std::string(value);
  return size * n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  return t->cancel && t->cancel->load() ? 1 : 0;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');  // EVP_EncodeBlock adds a NUL
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string SpkiPinOfPem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (!bio) return "";
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!cert) return "";
  unsigned char* der = nullptr;
  int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
  X509_free(cert);
  if (len <= 0) return "";
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int md_len = 0;
  EVP_Digest(der, static_cast<size_t>(len), md.data(), &md_len, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  return std::string(reinterpret_cast<const char*>(md.data()), md_len);
}

HttpConnection::HttpConnection(ConnectionOptions options) : options_(std::move(options)) {
  GlobalInit();
  curl_ = curl_easy_init();
}

HttpConnection::~HttpConnection() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

bool HttpConnection::Send(std::string_view method, std::string_view path, std::string_view body,
                          const std::vector<std::string>& headers, HttpResponse& response,
                          TransportError& error) {
  CURL* curl = static_cast<CURL*>(curl_);
  response = HttpResponse{};
  if (!curl) {
    error = {TransportFailure::kOther, "libcurl could not start"};
    return false;
  }
  const bool https = options_.base_url.starts_with("https://");
  if (!https && !options_.base_url.starts_with("http://")) {
    error = {TransportFailure::kOther,
             "the server address must start with https:// (or http:// for a test server "
             "on this machine): " +
                 options_.base_url};
    return false;
  }
  std::string url = options_.base_url + std::string(path);
  Transfer transfer{&response,
                    options_.max_response_bytes,
                    false,
                    options_.cancel,
                    Pacer(options_.max_recv_bytes_per_s, options_.cancel),
                    Pacer(options_.max_send_bytes_per_s, options_.cancel),
                    body,
                    body};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  // Only the scheme the URL names, and no redirects: an address in a token is
  // never silently swapped for another.
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, https ? "https" : "http");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT,
                   static_cast<long>(options_.low_speed_bytes_per_s));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.low_speed_time_s));
  std::string pin_option;
  if (https) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    if (!options_.pin.empty()) {
      pin_option = "sha256//" + Base64(options_.pin);
      curl_easy_setopt(curl, CURLOPT_PINNEDPUBLICKEY, pin_option.c_str());
    } else {
      curl_easy_setopt(curl, CURLOPT_CERTINFO, 1L);
    }
  }
  // The handle is reused: each request sets its method from scratch.
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, static_cast<char*>(nullptr));
  if (method == "POST" || method == "PUT") {
    // Through the read callback (no POSTFIELDS), so that the send cap paces it.
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, static_cast<char*>(nullptr));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, OnUpload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, OnSeek);
    curl_easy_setopt(curl, CURLOPT_SEEKDATA, &transfer);
    if (method == "PUT") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  }
  curl_slist* list = nullptr;
  // No "Expect: 100-continue" round trip before large bodies.
  list = curl_slist_append(list, "Expect:");
  for (const std::string& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);

  CURLcode rc = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
  curl_slist_free_all(list);
  curl_easy_setopt(curl, CURLOPT_PINNEDPUBLICKEY, static_cast<char*>(nullptr));

  curl_off_t up = 0, down = 0;
  long request_size = 0, header_size = 0;
  curl_easy_getinfo(curl, CURLINFO_SIZE_UPLOAD_T, &up);
  curl_easy_getinfo(curl, CURLINFO_SIZE_DOWNLOAD_T, &down);
  curl_easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &request_size);
  curl_easy_getinfo(curl, CURLINFO_HEADER_SIZE, &header_size);
  bytes_sent_ += static_cast<uint64_t>(up) + static_cast<uint64_t>(request_size);
  bytes_received_ += static_cast<uint64_t>(down) + static_cast<uint64_t>(header_size);

  if (https && options_.pin.empty() && seen_pin_.empty()) {
    curl_certinfo* info = nullptr;
    if (curl_easy_getinfo(curl, CURLINFO_CERTINFO, &info) == CURLE_OK && info &&
        info->num_of_certs > 0) {
      for (curl_slist* s = info->certinfo[0]; s; s = s->next) {
        std::string_view field(s->data);
        if (field.starts_with("Cert:")) seen_pin_ = SpkiPinOfPem(field.substr(5));
      }
    }
  }
  if (rc == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    return true;
  }
  error.message = curl_easy_strerror(rc);
  switch (rc) {
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      error.failure = TransportFailure::kPinMismatch;
      break;
    case CURLE_ABORTED_BY_CALLBACK:
      error.failure = TransportFailure::kCancelled;
      break;
    case CURLE_WRITE_ERROR:
      error.failure =
          transfer.too_large ? TransportFailure::kOther : TransportFailure::kUnreachable;
      if (transfer.too_large) {
        error.message = "the server's response is larger than " +
                        std::to_string(options_.max_response_bytes) + " bytes";
      }
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_READ_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
      error.failure = TransportFailure::kUnreachable;
      break;
    default:
      error.failure = TransportFailure::kOther;
  }
  return false;
}

}  // namespace cairn::sync
