// Server ingest: ops/s committed from push batches of 500 over loopback HTTP
// (zstd bodies; devices pushing at once, each on its own connection and
// waiting for each acknowledgement, which comes only after the commit with
// synchronous=FULL), beside Store::ApplyRemote of the same batches alone in the
// same run (one transaction per batch, no HTTP, no decoding, no authorization).
// Each device pushes 20 batches (10,000 ops, a heavy day), within the server's
// per-device rate limit: more batches mean more devices, as in a school.
//
//   build/bench/bench_sync_ingest [batches]   (default 1000: 500,000 ops, 50 devices)
#include <stdlib.h>

// clang-format off
#include <utility>  // before Boost 1.74's asio, which uses std::exchange
// clang-format on
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_common.h"
#include "cairn/sync/enrollment_token.h"
#include "cairn/sync/server/server.h"
#include "cairn/sync/wire.h"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace cairn;
using nlohmann::json;

int main(int argc, char** argv) {
  const int batches = argc > 1 ? std::atoi(argv[1]) : 1000;
  if (batches < 1) {
    std::fprintf(stderr, "usage: bench_sync_ingest [batches]  (a whole number, at least 1)\n");
    return 2;
  }
  const int kBatch = 500;
  const int kDevices = std::max(10, (batches + 19) / 20);
  std::string pattern = (std::filesystem::temp_directory_path() / "bench-ingest-XXXXXX").string();
  if (!mkdtemp(pattern.data())) return 1;
  std::filesystem::path dir = pattern;

  auto storage = server::OpenSqliteStorage({.dir = dir / "server"});
  if (!storage.ok()) return 1;
  std::vector<std::pair<std::string, json>> roster = {{"school", {{"school", "s"}, {"name", "S"}}},
                                                      {"class", {{"class", "A"}, {"name", "A"}}}};
  for (int l = 0; l < 30; ++l) {
    std::string id = "learner-" + std::to_string(l);
    roster.push_back({"learner", {{"learner", id}, {"display_name", id}}});
    roster.push_back({"enrollment", {{"class", "A"}, {"learner", id}, {"active", true}}});
  }
  if (!(*storage)->AppendServerOps(roster).ok()) return 1;
  struct Device {
    Origin origin = Origin::Random();
    std::string credential;
  };
  std::vector<Device> devices(kDevices);
  for (Device& d : devices) {
    std::string secret = sync::RandomSecret();
    server::TokenRecord t;
    t.classes = {"A"};
    auto tok = (*storage)->CreateToken(t, sync::Sha256("token:" + secret),
                                       sync::Sha256("join:" + sync::RandomSecret()));
    d.credential = sync::RandomSecret();
    server::DeviceRecord rec;
    rec.origin = d.origin;
    rec.classes = {"A"};
    rec.token = tok->id;
    if (!(*storage)->EnrollDevice(rec, sync::Sha256("credential:" + d.credential)).ok()) return 1;
  }
  // The batches: attempts of the class's learners, each device's seqs dense.
  std::vector<std::vector<Op>> all(static_cast<size_t>(batches));
  std::vector<std::string> bodies;
  for (int b = 0; b < batches; ++b) {
    const Device& d = devices[static_cast<size_t>(b % kDevices)];
    uint64_t first = static_cast<uint64_t>(b / kDevices) * kBatch + 1;
    for (int i = 0; i < kBatch; ++i) {
      Op op;
      op.origin = d.origin;
      op.seq = first + static_cast<uint64_t>(i);
      op.hlc = MakeHlc(1'790'000'000'000 + b * kBatch + i, 0);
      op.kind = "attempt";
      op.body = {{"learner", "learner-" + std::to_string(i % 30)},
                 {"item", "item-" + std::to_string(i % 200)},
                 {"correct", i % 3 != 0},
                 {"duration_ms", 1000 + i}};
      all[static_cast<size_t>(b)].push_back(std::move(op));
    }
    bodies.push_back(
        *sync::Compress(sync::EncodeBatch(all[static_cast<size_t>(b)]), sync::Codec::kZstd));
  }

  server::ServerOptions options;
  auto srv = server::Server::Start(std::move(storage).value(), options);
  if (!srv.ok()) return 1;
  // Each device pushes its own batches in order on its own connection.
  std::vector<size_t> wire_bytes(kDevices, 0);
  std::vector<std::string> errors(kDevices);
  const uint16_t port = (*srv)->port();
  auto device_run = [&](int dev) {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect({net::ip::make_address("127.0.0.1"), port});
    for (int b = dev; b < batches; b += kDevices) {
      http::request<http::string_body> req(http::verb::post, "/v1/push", 11);
      req.set(http::field::host, "127.0.0.1");
      req.set(http::field::content_type, "application/json");
      req.set(http::field::content_encoding, "zstd");
      req.set(http::field::authorization,
              "Bearer " + devices[static_cast<size_t>(dev)].credential);
      req.body() = bodies[static_cast<size_t>(b)];
      wire_bytes[static_cast<size_t>(dev)] += req.body().size();
      req.prepare_payload();
      http::write(stream, req);
      beast::flat_buffer buf;
      http::response<http::string_body> res;
      http::read(stream, buf, res);
      if (res.result_int() != 200) {
        errors[static_cast<size_t>(dev)] =
            "push " + std::to_string(b) + ": " + std::to_string(res.result_int()) + " " + res.body();
        return;
      }
    }
  };
  double t0 = bench::NowMicros();
  std::vector<std::thread> clients;
  for (int dev = 0; dev < kDevices; ++dev) clients.emplace_back(device_run, dev);
  for (std::thread& t : clients) t.join();
  for (const std::string& e : errors) {
    if (!e.empty()) {
      std::fprintf(stderr, "%s\n", e.c_str());
      return 1;
    }
  }
  double http_s = (bench::NowMicros() - t0) / 1e6;

  // HTTP header bytes of one sync (a push, then a pull), request headers as
  // sync/client sends them (libcurl adds Host and Accept) and response headers as
  // this server writes them.
  size_t request_headers = 0, response_headers = 0;
  {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect({net::ip::make_address("127.0.0.1"), port});
    auto exchange = [&](http::request<http::string_body> req) {
      req.set(http::field::host, "school.example:8443");
      req.set(http::field::accept, "*/*");
      req.set(http::field::authorization, "Bearer " + devices[0].credential);
      req.set("Cairn-Clock", std::to_string(MakeHlc(1'790'000'000'000, 0)));
      req.prepare_payload();
      std::ostringstream head;
      head << req.base();
      request_headers += head.str().size();
      http::write(stream, req);
      beast::flat_buffer buf;
      http::response<http::string_body> res;
      http::read(stream, buf, res);
      std::ostringstream back;
      back << res.base();
      response_headers += back.str().size();
    };
    http::request<http::string_body> push(http::verb::post, "/v1/push", 11);
    push.set(http::field::content_type, "application/json");
    push.set(http::field::content_encoding, "zstd");
    push.body() = bodies[0];
    exchange(std::move(push));
    http::request<http::string_body> pull(http::verb::get, "/v1/pull?after=0&limit=1000", 11);
    pull.set(http::field::accept_encoding, "zstd, gzip");
    exchange(std::move(pull));
  }
  (*srv)->Stop();

  // Baseline: the same batches straight into a Store.
  auto store = bench::OpenStore(dir / "baseline.db", true);
  (void)store->Initialize(Origin::Random(), StoreMode::kServer);
  double t1 = bench::NowMicros();
  for (const auto& batch : all) {
    if (!store->ApplyRemote(batch).ok()) return 1;
  }
  double apply_s = (bench::NowMicros() - t1) / 1e6;
  double ops = static_cast<double>(batches) * kBatch;
  bench::Metric("sync_ingest_http_ops_per_s", ops / http_s, "ops/s");
  bench::Metric("sync_ingest_apply_remote_ops_per_s", ops / apply_s, "ops/s");
  bench::Metric("sync_ingest_http_vs_apply_remote_ratio", apply_s / http_s, "x");
  bench::Metric("sync_http_request_header_bytes_per_sync", static_cast<double>(request_headers),
                "B");
  bench::Metric("sync_http_response_header_bytes_per_sync", static_cast<double>(response_headers),
                "B");
  size_t total_bytes = 0;
  for (size_t w : wire_bytes) total_bytes += w;
  bench::Metric("sync_ingest_push_body_bytes_per_op", static_cast<double>(total_bytes) / ops,
                "B/op");
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
