// The HTTP(S) front of cairn-server (server.h).
//
// Threads: one network thread runs the io_context (accepts, TLS, HTTP parsing,
// writes); a pool decodes and encodes bodies; the Writer thread runs the work of
// requests that write (enroll, push, blobs) against the storage. A request
// travels network -> pool -> writer -> network (the reply is posted back). A pull
// (or a clock) does not wait behind the writer's pushes: the pool thread answers
// it from a read-only view of the storage (ServerStorage::OpenReader), and its
// bookkeeping (the device's last sync) goes to the writer afterwards.
#include <pthread.h>

// clang-format off
// <utility> first: Boost 1.74's asio uses std::exchange without including it.
#include <utility>
// clang-format on
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <future>
#include <map>
#include <mutex>
#include <ostream>
#include <random>
#include <set>
#include <thread>
#include <variant>

#include "blobs.h"
#include "cairn/agent/kinds.h"
#include "cairn/platform/numbers.h"
#include "cairn/sync/enrollment_token.h"
#include "cairn/sync/query.h"
#include "cairn/sync/server/server.h"
#include "cairn/sync/wire.h"
#include "service.h"
#include "writer.h"

namespace cairn::server {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using nlohmann::json;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

namespace {

// A token bucket per key. Any thread.
class RateLimiter {
 public:
  // 0 when allowed, else the seconds to wait.
  int Take(const std::string& key, double now_s, double per_second, double burst) {
    std::lock_guard lock(mu_);
    Bucket& b = buckets_.try_emplace(key, Bucket{burst, now_s}).first->second;
    b.tokens = std::min(burst, b.tokens + (now_s - b.at) * per_second);
    b.at = now_s;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return static_cast<int>(std::ceil((1 - b.tokens) / per_second));
  }

 private:
  struct Bucket {
    double tokens;
    double at;
  };
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;  // guarded by mu_
};

// Pull pages are compressed for each device, so the server pays for every page
// of a storm: zstd level 19 (what devices push with) made a 100-device storm
// cost 13.4 s of server CPU, level 6 2.3 s, for 11.5 bytes per pulled op instead
// of 9.8 (bench_sync_storm --quick; level 3 was no cheaper and 12.2 B/op).
constexpr int kPullZstdLevel = 6;

// 413 for a size limit, else 400 (PROTOCOL.md, "Errors").
int StatusFor(sync::WireError why) { return why == sync::WireError::kTooLarge ? 413 : 400; }

std::string_view SV(beast::string_view s) { return {s.data(), s.size()}; }

std::map<std::string, std::string> ParseQuery(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    size_t eq = part.find('=');
    // A value that does not decode is kept as it came: no id has a bare '%'
    // followed by two hex digits, so the lookup it is used for finds nothing.
    std::string_view value = eq == std::string_view::npos ? "" : part.substr(eq + 1);
    out[std::string(part.substr(0, eq))] = sync::QueryUnescape(value).value_or(std::string(value));
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

std::string Now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

// What one request produced, for the reply and the log line.
struct Outcome {
  Response response;
  std::string device = "-";
};

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Closes the connection if it is waiting for a request (not mid-request).
  virtual void CloseIfIdle() = 0;
};

class Server::Impl {
 public:
  Impl(std::unique_ptr<ServerStorage> storage, ServerOptions options)
      : storage_(std::move(storage)),
        options_(std::move(options)),
        service_(*storage_, *options_.clock),
        acceptor_(ioc_),
        ssl_(ssl::context::tls_server) {}

  Status Open() {
    boost::system::error_code ec;
    net::ip::address address = net::ip::make_address(options_.address, ec);
    if (ec) return Status::InvalidArgument("not an IP address: " + options_.address);
    tls_ = !options_.cert.empty() || !options_.key.empty();
    if (!tls_ && !address.is_loopback() && !options_.insecure_http) {
      return Status::InvalidArgument(
          "plain HTTP on " + options_.address +
          " would send credentials in the clear; serve HTTPS, or pass --insecure-http");
    }
    if (tls_) {
      ssl_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      ssl_.use_certificate_chain_file(options_.cert.string(), ec);
      if (ec) return Status::IoError("cannot load the certificate " + options_.cert.string());
      ssl_.use_private_key_file(options_.key.string(), ssl::context::pem, ec);
      if (ec) return Status::IoError("cannot load the key " + options_.key.string());
      // No TLS 1.3 session tickets: a device syncs over one connection and does not
      // resume across runs, so the two tickets OpenSSL sends by default (~510
      // bytes) would be a third of each sync's TLS bytes for nothing.
      SSL_CTX_set_num_tickets(ssl_.native_handle(), 0);
    }
    tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::IoError("cannot listen on " + options_.address + ":" +
                             std::to_string(options_.port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    CAIRN_RETURN_IF_ERROR(OpenReaders());
    Accept();
    network_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "cairn-network");
      ioc_.run();
    });
    return Status::Ok();
  }

  void Stop() {
    std::call_once(stop_once_, [this] {
      stopping_ = true;
      // 1. No new connections; idle ones closed; busy ones close after replying.
      net::post(ioc_, [this] {
        boost::system::error_code ec;
        acceptor_.close(ec);
        accept_retry_.cancel();
        CloseIdle();
      });
      // 2. Requests being decoded reach the writer (or get 503); batches already
      // handed to the writer commit; nothing new is taken.
      pool_.join();
      writer_.StopAndJoin();
      // 3. Replies of those batches go out; then every connection is closed.
      net::post(ioc_, [this] { CloseIdle(); });
      guard_.reset();
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (network_.joinable() && !ioc_.stopped() &&
             std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        net::post(ioc_, [this] { CloseIdle(); });
      }
      ioc_.stop();
      if (network_.joinable()) network_.join();
      {
        std::lock_guard lock(done_mu_);
        done_ = true;
      }
      done_cv_.notify_all();
    });
  }

  void Wait() {
    std::unique_lock lock(done_mu_);
    done_cv_.wait(lock, [&] { return done_; });
  }

  uint16_t port() const { return port_; }

  Status WithStorage(const std::function<void(ServerStorage&)>& fn) {
    std::promise<void> done;
    if (!writer_.Post([&]() -> Writer::After {
          fn(*storage_);
          return [&done](bool) { done.set_value(); };
        })) {
      return Status::FailedPrecondition("the server is stopping");
    }
    done.get_future().wait();
    return Status::Ok();
  }
  bool tls() const { return tls_; }
  bool stopping() const { return stopping_; }
  const ServerLimits& limits() const { return options_.limits; }
  ssl::context& ssl_context() { return ssl_; }

  void Register(SessionBase* s, std::weak_ptr<SessionBase> w) { sessions_[s] = std::move(w); }
  void Unregister(SessionBase* s) { sessions_.erase(s); }

  // A line of its own in the log, for what a request line does not tell. Any
  // thread: the log is written on the network thread.
  void LogEvent(std::string what) {
    if (!options_.log) return;
    net::post(ioc_, [this, what = std::move(what)] {
      *options_.log << Now() << " " << what << std::endl;
    });
  }

  void Log(const std::string& peer, const std::string& device, const Request& req, unsigned status,
           size_t in, size_t out, double ms) {
    if (!options_.log) return;
    std::string target(req.target());
    target = target.substr(0, target.find('?'));
    char line[512];
    std::snprintf(line, sizeof line, "%s %s device=%s %s %s %u in=%zu out=%zu %.1fms\n",
                  Now().c_str(), peer.c_str(), device.c_str(),
                  std::string(req.method_string()).c_str(), target.substr(0, 100).c_str(), status,
                  in, out, ms);
    *options_.log << line << std::flush;
  }

  // Handles one request; `done` gets the outcome, on the network thread. The
  // body is decoded on the worker pool, the storage work runs on the writer, the
  // reply is encoded and sent on the network thread.
  void Handle(std::shared_ptr<Request> req, std::string peer, std::function<void(Outcome)> reply) {
    // Past the limit the work already taken would not be done before devices
    // give up on it: answer at once and let them come back, spread over a few
    // seconds, rather than queue work nobody will read (and its memory).
    if (in_flight_ >= options_.limits.max_requests_in_flight) {
      Outcome o;
      Reply busy = ErrorReply(503, "busy",
                              "the server is busy with other devices; this device's work is safe "
                              "on it and goes at the next try");
      busy.retry_after_s = 2 + static_cast<int>(busy_spread_() % 4);
      Fill(o.response, *req, busy);
      // The connection stays: the device comes back on it without a new TLS handshake.
      o.response.keep_alive(req->keep_alive());
      return reply(std::move(o));
    }
    ++in_flight_;
    auto done = [this, reply = std::move(reply)](Outcome o) {
      --in_flight_;
      reply(std::move(o));
    };
    net::post(pool_, [this, req, peer = std::move(peer), done = std::move(done)] {
      auto prepared = std::make_shared<Prepared>(Prepare(*req));
      if (ReadsOnly(*prepared) && AnswerFromReader(req, peer, *prepared, done)) return;
      bool posted = writer_.Post(
          [this, req, peer, prepared, done] { return Work(req, peer, prepared, done); });
      if (!posted) {
        net::post(ioc_, [req, done] {
          Outcome o;
          Fill(o.response, *req,
               ErrorReply(503, "shutting_down", "the server is shutting down; try again shortly"));
          o.response.set(http::field::retry_after, "5");
          done(std::move(o));
        });
      }
    });
  }

 private:
  void Accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](boost::system::error_code ec,
                                                          tcp::socket socket) {
      if (stopping_ || ec == net::error::operation_aborted) return;
      if (ec) {
        // Out of descriptors (a storm of connections past RLIMIT_NOFILE), or a
        // connection gone before it was taken: accepting stops only for a moment,
        // as connections that end give descriptors back. Giving up here left a
        // server that never answered again.
        accept_retry_.expires_after(std::chrono::milliseconds(100));
        accept_retry_.async_wait([this](boost::system::error_code e) {
          if (!e && !stopping_) Accept();
        });
        return;
      }
      StartSession(std::move(socket));
      Accept();
    });
  }

  void StartSession(tcp::socket socket);

  void CloseIdle() {
    auto copy = sessions_;
    for (auto& [p, w] : copy) {
      if (auto s = w.lock()) s->CloseIfIdle();
    }
  }

  static void Fill(Response& res, const Request& req, const Reply& reply) {
    res.version(req.version());
    res.result(static_cast<http::status>(reply.status));
    if (reply.bytes) {
      res.set(http::field::content_type, "application/octet-stream");
      res.body() = *reply.bytes;
    } else {
      res.set(http::field::content_type, "application/json");
      res.body() = reply.body.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    if (reply.retry_after_s > 0) {
      res.set(http::field::retry_after, std::to_string(reply.retry_after_s));
    }
    res.keep_alive(req.keep_alive() && reply.status < 500);
    res.prepare_payload();
    // After prepare_payload: a HEAD answer's Content-Length is the whole blob's.
    for (const auto& [name, value] : reply.headers) res.set(name, value);
  }

  double NowSeconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  static std::optional<uint64_t> DeviceClock(const Request& req) {
    auto it = req.find("Cairn-Clock");
    if (it == req.end()) return std::nullopt;
    return ParseU64(SV(it->value()));
  }

  // The decoded, bounded JSON text of a request body.
  Result<std::string> BodyText(const Request& req, int& status) {
    status = 400;
    auto ct = req.find(http::field::content_type);
    std::string_view type = ct == req.end() ? "" : SV(ct->value());
    type = type.substr(0, type.find(';'));
    if (type != "application/json") {
      status = 415;
      return Status::InvalidArgument("expected Content-Type: application/json, got \"" +
                                     std::string(type) + "\"");
    }
    auto ce = req.find(http::field::content_encoding);
    std::optional<sync::Codec> codec =
        sync::CodecFromContentEncoding(ce == req.end() ? "" : SV(ce->value()));
    if (!codec) {
      status = 415;
      return Status::InvalidArgument("unsupported Content-Encoding \"" + std::string(ce->value()) +
                                     "\"; use zstd, gzip or identity");
    }
    sync::WireError why = sync::WireError::kNone;
    Result<std::string> text = sync::DecodeContent(req.body(), *codec, options_.limits.wire, &why);
    if (!text.ok()) status = StatusFor(why);
    return text;
  }

  // What the worker pool made of a request before the writer sees it: the
  // route, the credential, and the decoded body (or why it did not decode).
  struct Prepared {
    enum class Route { kEnroll, kPush, kPull, kClock, kBlob };
    Route route = Route::kClock;
    std::optional<Reply> early;  // refused before any storage is read (404, 405)
    std::string credential;
    std::string fingerprint;  // the Cairn-Fingerprint header
    std::optional<sync::Pending> pending;  // the Cairn-Pending header
    std::optional<uint64_t> device_clock;
    // A body or query that did not decode: answered after authentication and the
    // rate limit, as if the writer had decoded it.
    std::optional<Reply> bad_input;
    json enroll;
    std::vector<Op> ops;
    uint64_t after = 0;
    uint64_t limit = 1000;
    std::string check;    // the op id the device got with `after` (SyncService::Pull)
    std::string learner;  // a back-fill of this learner's history, up to `upto`
    uint64_t upto = 0;
    // kBlob: the blob's name, the method, and the range headers (the chunk of a
    // PUT stays in the request's body).
    std::string blob;
    http::verb method = http::verb::get;
    std::string range;
    std::string content_range;
  };

  // The request's body decompressed, or nullopt with `p.bad_input` saying why not.
  std::optional<std::string> DecodedBody(const Request& req, Prepared& p) {
    int status = 400;
    Result<std::string> text = BodyText(req, status);
    if (!text.ok()) {
      p.bad_input = ErrorReply(status, "bad_request", text.status().message());
      return std::nullopt;
    }
    return std::move(text).value();
  }

  // The credential and the Cairn-Clock of a request to an authenticated route.
  static void Authenticated(const Request& req, Prepared& p) {
    std::string_view auth;
    if (auto it = req.find(http::field::authorization); it != req.end()) auth = SV(it->value());
    if (auth.starts_with("Bearer ")) p.credential = auth.substr(7);
    p.device_clock = DeviceClock(req);
    if (auto it = req.find(std::string(sync::kFingerprintHeader)); it != req.end()) {
      p.fingerprint = std::string(SV(it->value()));
    }
    if (auto it = req.find(std::string(sync::kPendingHeader)); it != req.end()) {
      p.pending = sync::ParsePending(SV(it->value()));
    }
  }

  // /v1/blobs/SHA256: HEAD, GET (Range), PUT (Content-Range, raw bytes).
  Prepared PrepareBlob(const Request& req, std::string_view name) {
    Prepared p;
    p.route = Prepared::Route::kBlob;
    p.method = req.method();
    if (!IsSha256Hex(name)) {
      p.early = ErrorReply(404, "not_found",
                           "a blob is named by its SHA-256: 64 lower-case hex digits");
      return p;
    }
    if (p.method != http::verb::head && p.method != http::verb::get &&
        p.method != http::verb::put) {
      p.early = ErrorReply(405, "method_not_allowed", "use HEAD, GET or PUT for /v1/blobs/");
      return p;
    }
    Authenticated(req, p);
    p.blob = std::string(name);
    if (auto it = req.find(http::field::range); it != req.end()) p.range = SV(it->value());
    if (auto it = req.find(http::field::content_range); it != req.end()) {
      p.content_range = SV(it->value());
    }
    if (p.method == http::verb::put) {
      auto ct = req.find(http::field::content_type);
      std::string_view type = ct == req.end() ? "" : SV(ct->value());
      if (type != "application/octet-stream") {
        p.bad_input = ErrorReply(415, "bad_request",
                                 "a blob chunk is sent as Content-Type: application/octet-stream, "
                                 "not \"" + std::string(type.substr(0, 80)) + "\"");
      }
    }
    return p;
  }

  // Worker pool: routing, decompression, JSON and batch decoding. No storage.
  Prepared Prepare(const Request& req) {
    Prepared p;
    std::string_view target = SV(req.target());
    std::string_view path = target.substr(0, target.find('?'));
    std::string_view query =
        target.find('?') == std::string_view::npos ? "" : target.substr(target.find('?') + 1);
    const bool is_post = req.method() == http::verb::post;
    const bool is_get = req.method() == http::verb::get;
    if (path == "/v1/enroll") {
      p.route = Prepared::Route::kEnroll;
      if (!is_post) {
        p.early = ErrorReply(405, "method_not_allowed", "use POST for /v1/enroll");
        return p;
      }
      std::optional<std::string> text = DecodedBody(req, p);
      if (!text) return p;
      sync::WireError why = sync::WireError::kNone;
      Result<json> body = sync::ParseJson(*text, options_.limits.wire, &why);
      if (!body.ok()) {
        p.bad_input = ErrorReply(StatusFor(why), "bad_request", body.status().message());
        return p;
      }
      p.enroll = std::move(body).value();
      return p;
    }
    if (path.starts_with("/v1/blobs/")) return PrepareBlob(req, path.substr(10));
    if (path != "/v1/push" && path != "/v1/pull" && path != "/v1/clock") {
      p.early = ErrorReply(404, "not_found", "no such endpoint: " + std::string(path));
      return p;
    }
    if ((path == "/v1/push" && !is_post) || (path != "/v1/push" && !is_get)) {
      p.early = ErrorReply(405, "method_not_allowed",
                           std::string("use ") + (path == "/v1/push" ? "POST" : "GET") + " for " +
                               std::string(path));
      return p;
    }
    Authenticated(req, p);
    if (path == "/v1/clock") {
      p.route = Prepared::Route::kClock;
      return p;
    }
    if (path == "/v1/push") {
      p.route = Prepared::Route::kPush;
      // Without a credential the answer is 401 whatever the body: do not decode it.
      if (p.credential.empty()) return p;
      std::optional<std::string> text = DecodedBody(req, p);
      if (!text) return p;
      sync::WireError why = sync::WireError::kNone;
      Result<std::vector<Op>> ops = sync::DecodeBatch(*text, options_.limits.wire, &why);
      if (!ops.ok()) {
        p.bad_input = ErrorReply(StatusFor(why), "bad_request", ops.status().message());
        return p;
      }
      p.ops = std::move(ops).value();
      return p;
    }
    p.route = Prepared::Route::kPull;
    auto q = ParseQuery(query);
    std::optional<uint64_t> after = q.count("after") ? ParseU64(q["after"]) : uint64_t{0};
    std::optional<uint64_t> limit = q.count("limit") ? ParseU64(q["limit"]) : uint64_t{1000};
    if (!after) {
      p.bad_input = ErrorReply(400, "bad_request", "after= must be a cursor (a whole number)");
    } else if (!limit || *limit == 0 || *limit > options_.limits.max_pull_ops) {
      p.bad_input = ErrorReply(400, "bad_request",
                               "limit= must be a whole number from 1 to " +
                                   std::to_string(options_.limits.max_pull_ops));
    } else {
      p.after = *after;
      p.limit = *limit;
      p.check = q["check"];
    }
    if (q.count("learner")) {
      std::optional<uint64_t> upto = q.count("upto") ? ParseU64(q["upto"]) : std::nullopt;
      if (q["learner"].empty() || !upto) {
        p.bad_input =
            ErrorReply(400, "bad_request", "a back-fill names learner= and upto= (a cursor)");
      } else {
        p.learner = q["learner"];
        p.upto = *upto;
      }
    }
    return p;
  }

  using Answer = std::variant<Reply, SyncService::PullResult>;

  // Authentication, rate limits, the service (storage): on the writer thread
  // with `service_`, or for a request that ReadsOnly on a pool thread with a
  // reader's service.
  Answer Route(const Prepared& p, const Request& req, const std::string& peer,
               std::string& device_label, SyncService& service) {
    if (p.early) return *p.early;
    if (p.route == Prepared::Route::kEnroll) {
      if (int wait =
              limiter_.Take("enroll " + peer, NowSeconds(), options_.limits.enrolls_per_second,
                            options_.limits.enroll_burst)) {
        Reply r = ErrorReply(429, "rate_limited",
                             "too many enrollment attempts from this address; wait " +
                                 std::to_string(wait) + " s");
        r.retry_after_s = wait;
        return r;
      }
      if (p.bad_input) return *p.bad_input;
      return service.Enroll(p.enroll);
    }
    auto who = service.Authenticate(p.credential, p.fingerprint);
    if (auto* r = std::get_if<Reply>(&who)) {
      if (r->body.value("error", "") == sync::kFingerprintMismatch) {
        device_label = r->body.value("device", "-");
        LogEvent("device " + device_label +
                 ": its credential was presented from another machine (" + peer + ", fingerprint " +
                 (p.fingerprint.empty() ? "none" : p.fingerprint.substr(0, 12) + "...") +
                 "); refused with 403 " + std::string(sync::kFingerprintMismatch) +
                 ", the copy must enroll again");
      }
      return *r;
    }
    const DeviceRecord& device = std::get<DeviceRecord>(who);
    device_label = device.Label();
    if (int wait = limiter_.Take(device_label, NowSeconds(), options_.limits.requests_per_second,
                                 options_.limits.burst)) {
      Reply r =
          ErrorReply(429, "rate_limited",
                     "too many requests from this device; retry in " + std::to_string(wait) + " s");
      r.retry_after_s = wait;
      return r;
    }
    if (p.pending) service.NotePending(device, *p.pending);
    if (p.bad_input) return *p.bad_input;
    switch (p.route) {
      case Prepared::Route::kClock:
        return service.ClockReply(device, p.device_clock);
      case Prepared::Route::kPush:
        return service.Push(device, p.ops, p.device_clock);
      case Prepared::Route::kBlob:
        if (p.method == http::verb::head) return blobs_.Head(device, p.blob);
        if (p.method == http::verb::get) return blobs_.Get(device, p.blob, p.range);
        return blobs_.Put(device, p.blob, p.content_range, req.body());
      default: {
        auto pulled =
            p.learner.empty()
                ? service.Pull(device, p.after, p.limit, p.device_clock, p.check)
                : service.Backfill(device, p.learner, p.after, p.upto, p.limit, p.device_clock);
        if (auto* r = std::get_if<Reply>(&pulled)) return *r;
        return std::move(std::get<SyncService::PullResult>(pulled));
      }
    }
  }

  // Writer thread. The reply leaves only after the group's commit: a push is
  // acknowledged once it is durable; when the commit fails nothing is stored and
  // the request gets 500 (the device sends it again).
  Writer::After Work(std::shared_ptr<Request> req, std::string peer,
                     std::shared_ptr<Prepared> prepared, std::function<void(Outcome)> done) {
    auto device = std::make_shared<std::string>("-");
    auto answer = std::make_shared<Answer>();
    try {
      *answer = Route(*prepared, *req, peer, *device, service_);
    } catch (const std::exception& e) {
      *answer = ErrorReply(500, "internal", std::string("the server failed: ") + e.what());
    }
    return [this, req, device, answer, done](bool committed) {
      if (!committed) {
        auto* r = std::get_if<Reply>(answer.get());
        if (!r || r->status < 400) {
          *answer = ErrorReply(500, "internal",
                               "the server could not store this request's changes; nothing of "
                               "it was kept; try again");
        }
      }
      auto o = std::make_shared<Outcome>();
      o->device = *device;
      if (auto* reply = std::get_if<Reply>(answer.get())) {
        // A push acknowledgement or an error is a few dozen bytes of JSON: written
        // here, it does not wait for a pool thread to wake.
        Fill(o->response, *req, *reply);
        net::post(ioc_, [o, done] { done(std::move(*o)); });
        return;
      }
      // A pull page is encoded and compressed on the pool, the answer sent on the
      // network thread.
      net::post(pool_, [this, req, answer, o, done] {
        FillPull(o->response, *req, std::get<SyncService::PullResult>(*answer));
        net::post(ioc_, [o, done] { done(std::move(*o)); });
      });
    };
  }

  // A pull reader: a read-only view of the storage and the service over it,
  // used by one pool thread at a time.
  struct Reader {
    std::unique_ptr<ServerStorage> storage;
    SyncService service;
  };

  // One reader per pool thread, so a pull never waits for one. None when the
  // storage has no read-only view: the writer then answers pulls too.
  Status OpenReaders() {
    Status opened = Status::Ok();
    Status posted = WithStorage([&](ServerStorage& storage) {
      published_clock_ = storage.Clock();
      for (size_t i = 0; i < pool_threads_; ++i) {
        Result<std::unique_ptr<ServerStorage>> view = storage.OpenReader(ReaderHooks{
            .clock = [this] { return published_clock_.load(); },
            .write_later = [this](auto write) { WriteLater(std::move(write)); },
            .write_now =
                [this](auto write) {
                  Status written = Status::Ok();
                  CAIRN_RETURN_IF_ERROR(
                      WithStorage([&](ServerStorage& writer) { written = write(writer); }));
                  return written;
                },
        });
        if (!view.ok()) {
          if (view.status().code() != Status::Code::kNotSupported) opened = view.status();
          return;
        }
        auto* raw = view->get();
        idle_readers_.push_back(
            std::make_unique<Reader>(Reader{std::move(view).value(), {*raw, *options_.clock}}));
      }
    });
    CAIRN_RETURN_IF_ERROR(posted);
    return opened.WithContext("opening the pull readers");
  }

  // Pulls and clocks only read (their bookkeeping is written later).
  static bool ReadsOnly(const Prepared& p) {
    return p.route == Prepared::Route::kPull || p.route == Prepared::Route::kClock;
  }

  // Pool thread: answers a request that ReadsOnly from a reader, in one snapshot
  // of the storage. False when no reader is free (the writer answers it).
  bool AnswerFromReader(const std::shared_ptr<Request>& req, const std::string& peer,
                        const Prepared& p, const std::function<void(Outcome)>& done) {
    std::unique_ptr<Reader> reader;
    {
      std::lock_guard lock(readers_mu_);
      if (idle_readers_.empty()) return false;
      reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
    }
    auto o = std::make_shared<Outcome>();
    o->device = "-";
    Answer answer;
    if (Status began = reader->storage->BeginGroup(); !began.ok()) {
      answer =
          ErrorReply(500, "internal", "the server could not read its data: " + began.message());
    } else {
      try {
        answer = Route(p, *req, peer, o->device, reader->service);
      } catch (const std::exception& e) {
        answer = ErrorReply(500, "internal", std::string("the server failed: ") + e.what());
      }
      reader->storage->AbortGroup();  // a snapshot: nothing to commit
    }
    {
      std::lock_guard lock(readers_mu_);
      idle_readers_.push_back(std::move(reader));
    }
    if (auto* reply = std::get_if<Reply>(&answer)) {
      Fill(o->response, *req, *reply);
    } else {
      FillPull(o->response, *req, std::get<SyncService::PullResult>(answer));
    }
    net::post(ioc_, [o, done] { done(std::move(*o)); });
    return true;
  }

  // Runs a reader's bookkeeping write on the writer. Writes that arrive while one
  // job is queued ride along with it: a storm of pulls adds a job per group, not
  // one per pull.
  void WriteLater(std::function<void(ServerStorage&)> write) {
    {
      std::lock_guard lock(later_mu_);
      later_.push_back(std::move(write));
      if (later_.size() > 1) return;
    }
    writer_.Post([this]() -> Writer::After {
      std::vector<std::function<void(ServerStorage&)>> writes;
      {
        std::lock_guard lock(later_mu_);
        writes.swap(later_);
      }
      for (auto& w : writes) w(*storage_);
      return {};
    });
  }

  // Pool thread: a pull's ops as a batch, compressed as the device accepts.
  void FillPull(Response& res, const Request& req, const SyncService::PullResult& p) {
    json body = {{"ops", sync::EncodeBatchJson(p.ops)},
                 {"next_cursor", p.next_cursor},
                 {"more", p.more},
                 {"clock", p.clock}};
    if (!p.at.empty()) body["at"] = p.at;
    if (p.acked) body["acked"] = *p.acked;
    std::string text = body.dump();
    auto ae = req.find(http::field::accept_encoding);
    sync::Codec codec = sync::PickCodec(ae == req.end() ? "" : SV(ae->value()));
    Result<std::string> packed = sync::Compress(text, codec, kPullZstdLevel);
    if (!packed.ok()) {
      codec = sync::Codec::kIdentity;
    } else {
      text = std::move(packed).value();
    }
    res.version(req.version());
    res.result(http::status::ok);
    res.set(http::field::content_type, "application/json");
    if (codec != sync::Codec::kIdentity) {
      res.set(http::field::content_encoding, std::string(sync::ContentEncodingName(codec)));
    }
    res.body() = std::move(text);
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
  }

  std::unique_ptr<ServerStorage> storage_;
  ServerOptions options_;
  SyncService service_;
  BlobService blobs_{*storage_, options_.limits.blobs};
  RateLimiter limiter_;
  net::io_context ioc_{1};
  net::executor_work_guard<net::io_context::executor_type> guard_{ioc_.get_executor()};
  tcp::acceptor acceptor_;
  net::steady_timer accept_retry_{ioc_};
  ssl::context ssl_;
  bool tls_ = false;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::map<SessionBase*, std::weak_ptr<SessionBase>> sessions_;  // network thread only
  size_t in_flight_ = 0;  // requests taken and not yet answered; network thread only
  std::minstd_rand busy_spread_{std::random_device{}()};  // network thread only
  std::thread network_;
  std::once_flag stop_once_;
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  bool done_ = false;  // guarded by done_mu_
  // The writer's clock, as of its last group: what readers answer with.
  std::atomic<Hlc> published_clock_{0};
  std::mutex readers_mu_;
  std::vector<std::unique_ptr<Reader>> idle_readers_;  // guarded by readers_mu_
  std::mutex later_mu_;
  std::vector<std::function<void(ServerStorage&)>> later_;  // guarded by later_mu_
  // Decoding and encoding of bodies, and pulls, off the network and writer
  // threads: one thread per core, since the writer waits on fsync and the
  // network thread mostly on sockets.
  const size_t pool_threads_ = std::max(2u, std::thread::hardware_concurrency());
  net::thread_pool pool_{pool_threads_};
  // Last: its thread starts in its constructor and may run jobs using the above.
  Writer writer_{Writer::Group{
      .begin = [this] { return storage_->BeginGroup().ok(); },
      .commit =
          [this] {
            // Before the commit: no reader sees an op later than the clock it answers.
            published_clock_ = storage_->Clock();
            Status s = storage_->CommitGroup();
            if (!s.ok()) LogEvent("commit failed: " + s.message());
            return s.ok();
          },
  }};
};

namespace {

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... Args>
  Session(Server::Impl& server, std::string peer, Args&&... args)
      : server_(server), peer_(std::move(peer)), stream_(std::forward<Args>(args)...) {}
  ~Session() override { server_.Unregister(this); }

  void Start() {
    server_.Register(this, this->weak_from_this());
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->Read();
                              });
    } else {
      Read();
    }
  }

  void CloseIfIdle() override {
    if (busy_) return;
    beast::error_code ec;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(stream_).close();
  }

 private:
  void Read() {
    if (server_.stopping()) return CloseIfIdle();
    busy_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_.limits().max_header_bytes));
    parser_->body_limit(server_.limits().wire.max_body_bytes);
    beast::get_lowest_layer(stream_).expires_after(
        std::chrono::seconds(server_.limits().idle_timeout_s));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(beast::error_code ec, size_t bytes) {
    start_ = std::chrono::steady_clock::now();
    bytes_in_ = bytes;
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == ssl::error::stream_truncated) {
      // The peer closed between requests (or after the TLS handshake without
      // one): nothing to answer, nothing to log.
      return Close();
    }
    busy_ = true;
    if (ec) {
      int status = 400;
      std::string message = "malformed HTTP request: " + ec.message();
      if (ec == http::error::body_limit) {
        status = 413;
        message = "request body larger than " +
                  std::to_string(server_.limits().wire.max_body_bytes) + " bytes (limit)";
      } else if (ec == http::error::header_limit) {
        status = 431;
        message = "request headers larger than " +
                  std::to_string(server_.limits().max_header_bytes) + " bytes (limit)";
      }
      Outcome o;
      o.response.version(11);
      o.response.result(static_cast<http::status>(status));
      o.response.set(http::field::content_type, "application/json");
      o.response.body() =
          json{{"error", status == 400 ? "bad_request" : "too_large"}, {"message", message}}.dump();
      o.response.keep_alive(false);
      o.response.prepare_payload();
      request_ = std::make_shared<Request>(parser_->get());
      return Write(std::move(o));
    }
    request_ = std::make_shared<Request>(parser_->release());
    server_.Handle(request_, peer_,
                   [self = this->shared_from_this()](Outcome o) { self->Write(std::move(o)); });
  }

  void Write(Outcome o) {
    device_ = o.device;
    response_ = std::make_shared<Response>(std::move(o.response));
    if (server_.stopping()) response_->keep_alive(false);
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
    http::async_write(stream_, *response_,
                      [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                        self->OnWrite(ec, n);
                      });
  }

  void OnWrite(beast::error_code ec, size_t bytes) {
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
                    .count();
    server_.Log(peer_, device_, *request_, response_->result_int(), bytes_in_, bytes, ms);
    busy_ = false;
    if (ec || !response_->keep_alive()) return Close();
    Read();
  }

  void Close() {
    busy_ = false;
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::get_lowest_layer(self->stream_).close();
      });
    } else {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      stream_.close();
    }
  }

  Server::Impl& server_;
  std::string peer_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<Request> request_;
  std::shared_ptr<Response> response_;
  std::string device_ = "-";
  size_t bytes_in_ = 0;
  bool busy_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

void Server::Impl::StartSession(tcp::socket socket) {
  boost::system::error_code ec;
  tcp::endpoint remote = socket.remote_endpoint(ec);
  std::string peer = ec ? "?" : remote.address().to_string();
  if (tls_) {
    auto s = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
        *this, peer, std::move(socket), ssl_);
    s->Start();
  } else {
    auto s = std::make_shared<Session<beast::tcp_stream>>(*this, peer, std::move(socket));
    s->Start();
  }
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { Stop(); }

Result<std::unique_ptr<Server>> Server::Start(std::unique_ptr<ServerStorage> storage,
                                              const ServerOptions& options) {
  auto impl = std::make_unique<Impl>(std::move(storage), options);
  Status s = impl->Open();
  if (!s.ok()) {
    impl->Stop();
    return s;
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

uint16_t Server::port() const { return impl_->port(); }
Status Server::WithStorage(const std::function<void(ServerStorage&)>& fn) {
  return impl_->WithStorage(fn);
}
bool Server::tls() const { return impl_->tls(); }
void Server::Stop() {
  if (impl_) impl_->Stop();
}
void Server::Wait() { impl_->Wait(); }

}  // namespace cairn::server
