#include "storm_client.h"

// clang-format off
#include <utility>  // before Boost 1.74's asio, which uses std::exchange
// clang-format on
#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cairn/sync/wire.h"

namespace cairn::bench {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using Stream = beast::ssl_stream<beast::tcp_stream>;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// What a pull page says about where to go next; nullopt when it does not parse.
struct PullPage {
  uint64_t next_cursor = 0;
  bool more = false;
  uint64_t ops = 0;
};

std::optional<PullPage> ReadPullPage(const http::response<http::string_body>& res) {
  auto ce = res.find(http::field::content_encoding);
  std::optional<sync::Codec> codec = sync::CodecFromContentEncoding(
      ce == res.end() ? std::string_view()
                      : std::string_view(ce->value().data(), ce->value().size()));
  if (!codec) return std::nullopt;
  Result<std::string> text = sync::DecodeContent(res.body(), *codec, sync::WireLimits{});
  if (!text.ok()) return std::nullopt;
  // Only the envelope and the batch's op count are kept: the load generator must
  // stay light, and the ops themselves are the server's business here.
  auto shallow = [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    return depth <= 2;
  };
  nlohmann::json j = nlohmann::json::parse(*text, shallow, false);
  if (!j.is_object() || !j["next_cursor"].is_number_unsigned() || !j["more"].is_boolean())
    return std::nullopt;
  PullPage page;
  page.next_cursor = j["next_cursor"].get<uint64_t>();
  page.more = j["more"].get<bool>();
  if (j["ops"].is_object() && j["ops"]["n"].is_number_unsigned())
    page.ops = j["ops"]["n"].get<uint64_t>();
  return page;
}

int RetryAfterSeconds(const http::response<http::string_body>& res) {
  auto it = res.find(http::field::retry_after);
  if (it == res.end()) return 1;
  int s = 0;
  for (char c : it->value()) {
    if (c < '0' || c > '9' || s > 3600) return 1;
    s = s * 10 + (c - '0');
  }
  return std::max(s, 1);
}

class Storm {
 public:
  Storm(uint16_t port, const std::vector<StormDevice>& devices, double timeout_s, bool check)
      : endpoint_(net::ip::make_address("127.0.0.1"), port),
        devices_(devices),
        check_(check),
        timeout_(
            std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s))) {
    tls_.set_verify_mode(ssl::verify_none);
  }

  StormResult Run() {
    start_ = Clock::now();
    for (const StormDevice& d : devices_) {
      net::co_spawn(ioc_, Device(d), net::detached);
    }
    ioc_.run();
    return std::move(result_);
  }

 private:
  void Error(std::string what) {
    ++result_.errors;
    if (result_.error_samples.size() < 5) result_.error_samples.push_back(std::move(what));
  }

  // A new TLS connection to the server; false (an error counted) when there is none.
  net::awaitable<bool> Connect(std::optional<Stream>& stream, Clock::time_point due) {
    stream.emplace(co_await net::this_coro::executor, tls_);
    try {
      beast::get_lowest_layer(*stream).expires_at(due + timeout_);
      co_await beast::get_lowest_layer(*stream).async_connect(endpoint_, net::use_awaitable);
      co_await stream->async_handshake(ssl::stream_base::client, net::use_awaitable);
    } catch (const boost::system::system_error& e) {
      Error("connect: " + e.code().message());
      co_return false;
    }
    co_return true;
  }

  // One request, sent again after each 429 or 503 once its Retry-After has passed
  // (on a new connection when the server closed this one). The answer (2xx) or
  // nullopt when the device must stop (an error was counted).
  net::awaitable<std::optional<http::response<http::string_body>>> Exchange(
      std::optional<Stream>& stream, http::request<http::string_body>& req,
      Clock::time_point& due) {
    while (true) {
      http::response<http::string_body> res;
      beast::flat_buffer buffer;
      try {
        beast::get_lowest_layer(*stream).expires_at(due + timeout_);
        co_await http::async_write(*stream, req, net::use_awaitable);
        co_await http::async_read(*stream, buffer, res, net::use_awaitable);
      } catch (const boost::system::system_error& e) {
        Error(std::string(req.target()) + ": " + e.code().message());
        co_return std::nullopt;
      }
      Clock::time_point now = Clock::now();
      result_.latencies_ms.push_back(Seconds(now - due) * 1000);
      ++result_.requests;
      // A device waits as told and tries again: after a 429 (counted apart, it is
      // the device being polite) and after a 503 (an error, but the device's
      // sync still finishes, so completion time stays measured).
      const bool busy = res.result_int() == 503 && res.count(http::field::retry_after);
      if (res.result_int() == 429 || busy) {
        if (busy) {
          ++result_.unavailable;
          Error(std::string(req.target()) + ": 503 " + res.body().substr(0, 200));
        } else {
          ++result_.throttled;
        }
        due = now + std::chrono::seconds(RetryAfterSeconds(res));
        net::steady_timer wait(co_await net::this_coro::executor);
        wait.expires_at(due);
        co_await wait.async_wait(net::use_awaitable);
        if (!res.keep_alive() && !co_await Connect(stream, due)) co_return std::nullopt;
        continue;
      }
      if (res.result_int() / 100 != 2) {
        Error(std::string(req.target()) + ": " + std::to_string(res.result_int()) + " " +
              res.body().substr(0, 200));
        co_return std::nullopt;
      }
      due = now;  // the next request depends on this answer
      co_return res;
    }
  }

  http::request<http::string_body> Request(http::verb verb, std::string target,
                                           const StormDevice& d) {
    http::request<http::string_body> req(verb, target, 11);
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::accept, "*/*");
    req.set(http::field::authorization, "Bearer " + d.credential);
    return req;
  }

  net::awaitable<void> Device(const StormDevice& d) {
    auto executor = co_await net::this_coro::executor;
    Clock::time_point due = start_ + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(d.arrival_s));
    net::steady_timer arrive(executor);
    arrive.expires_at(due);
    co_await arrive.async_wait(net::use_awaitable);
    const Clock::time_point arrived = due;

    std::optional<Stream> stream;
    if (!co_await Connect(stream, due)) co_return;
    for (size_t i = 0; i < d.pushes.size(); ++i) {
      auto req = Request(http::verb::post, "/v1/push", d);
      req.set(http::field::content_type, "application/json");
      req.set(http::field::content_encoding, "zstd");
      req.body() = d.pushes[i];
      req.prepare_payload();
      result_.pushed_bytes += d.pushes[i].size();
      auto res = co_await Exchange(stream, req, due);
      if (!res) co_return;
      if (check_ && i < d.acks.size()) {
        nlohmann::json ack = nlohmann::json::parse(res->body(), nullptr, false);
        if (!ack.is_object() || !ack["acked"].is_number_unsigned() ||
            ack["acked"].get<uint64_t>() != d.acks[i]) {
          Error("push: answered " + res->body().substr(0, 100) + ", expected acked " +
                std::to_string(d.acks[i]));
          co_return;
        }
      }
    }
    uint64_t cursor = d.cursor, pulled = 0;
    while (true) {
      auto req =
          Request(http::verb::get, "/v1/pull?after=" + std::to_string(cursor) + "&limit=1000", d);
      req.set(http::field::accept_encoding, "zstd, gzip");
      req.prepare_payload();
      auto res = co_await Exchange(stream, req, due);
      if (!res) co_return;
      result_.pulled_bytes += res->body().size();
      std::optional<PullPage> page = ReadPullPage(*res);
      if (!page) {
        Error("pull: an answer that does not parse");
        co_return;
      }
      result_.pulled_ops += page->ops;
      pulled += page->ops;
      cursor = page->next_cursor;
      if (!page->more) break;
    }
    if (check_ && pulled > d.class_mates_ops) {
      Error("pull: " + std::to_string(pulled) + " ops, more than its class mates pushed (" +
            std::to_string(d.class_mates_ops) + "): an op came twice");
      co_return;
    }
    Clock::time_point done = Clock::now();
    ++result_.devices_done;
    result_.session_s.push_back(Seconds(done - arrived));
    result_.completion_s = std::max(result_.completion_s, Seconds(done - start_));
    beast::get_lowest_layer(*stream).expires_after(std::chrono::seconds(5));
    try {
      co_await stream->async_shutdown(net::use_awaitable);
    } catch (const boost::system::system_error&) {
      // The server may close first; the sync is done either way.
    }
  }

  net::io_context ioc_{1};
  ssl::context tls_{ssl::context::tls_client};
  tcp::endpoint endpoint_;
  const std::vector<StormDevice>& devices_;
  bool check_;
  Clock::duration timeout_;
  Clock::time_point start_;
  StormResult result_;
};

}  // namespace

StormResult RunStorm(uint16_t port, const std::vector<StormDevice>& devices, double timeout_s,
                     bool check) {
  return Storm(port, devices, timeout_s, check).Run();
}

}  // namespace cairn::bench
