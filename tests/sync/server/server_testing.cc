#include "server_testing.h"

#include <stdlib.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <sstream>
#include <stdexcept>

#include "cairn/sync/enrollment_token.h"
#include "cairn/sync/wire.h"

namespace cairn::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using nlohmann::json;

json HttpReply::Json() const {
  std::string text = body;
  auto ce = headers.find("content-encoding");
  if (ce != headers.end()) {
    auto codec = sync::CodecFromContentEncoding(ce->second);
    if (!codec) return nullptr;
    Result<std::string> plain = sync::Decompress(body, *codec, 64 << 20);
    if (!plain.ok()) return nullptr;
    text = *plain;
  }
  return json::parse(text, nullptr, false);
}

HttpReply Send(uint16_t port, const HttpRequest& request) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req(http::string_to_verb(request.method), request.target, 11);
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : request.headers) req.set(k, v);
  req.body() = request.body;
  req.prepare_payload();
  beast::error_code ec;
  http::write(stream, req, ec);
  HttpReply reply;
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256 << 20);
  // A HEAD answer's Content-Length is the body a GET would get, not one that follows.
  parser.skip(request.method == "HEAD");
  http::read(stream, buffer, parser, ec);
  if (ec) throw std::runtime_error("no HTTP reply: " + ec.message());
  auto res = parser.release();
  reply.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(f.value());
  }
  reply.body = res.body();
  return reply;
}

Op TestDevice::MakeOp(const std::string& kind, json body, uint64_t seq) const {
  Op op;
  op.origin = origin;
  op.seq = seq ? seq : next_seq;
  op.hlc = MakeHlc(1'790'000'000'000 + static_cast<int64_t>(op.seq), 0);
  op.kind = kind;
  op.body = std::move(body);
  return op;
}

ServerFixture::ServerFixture(double requests_per_second, double burst)
    : requests_per_second_(requests_per_second),
      burst_(burst),
      log_(std::make_unique<std::ostringstream>()) {
  std::string pattern = (std::filesystem::temp_directory_path() / "cairn-server-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  auto storage =
      server::OpenSqliteStorage({.dir = dir_, .clock = &clock_, .synchronous_full = false});
  if (!storage.ok()) throw std::runtime_error(storage.status().ToString());
  Result<std::vector<OpId>> roster = (*storage)->AppendServerOps({
      {"school", {{"school", "s1"}, {"name", "School"}}},
      {"class", {{"class", "A"}, {"school", "s1"}, {"name", "Room A"}}},
      {"class", {{"class", "B"}, {"school", "s1"}, {"name", "Room B"}}},
      {"teacher", {{"teacher", "t1"}, {"school", "s1"}, {"name", "T"}}},
      {"learner", {{"learner", "a1"}, {"school", "s1"}, {"display_name", "A One"}}},
      {"learner", {{"learner", "a2"}, {"school", "s1"}, {"display_name", "A Two"}}},
      {"learner", {{"learner", "b1"}, {"school", "s1"}, {"display_name", "B One"}}},
      {"enrollment", {{"class", "A"}, {"learner", "a1"}, {"active", true}}},
      {"enrollment", {{"class", "A"}, {"learner", "a2"}, {"active", true}}},
      {"enrollment", {{"class", "B"}, {"learner", "b1"}, {"active", true}}},
  });
  if (!roster.ok()) throw std::runtime_error(roster.status().ToString());
  Serve(std::move(storage).value());
}

void ServerFixture::Restart() {
  server_.reset();  // stops: batches with the writer commit, the rest are refused
  auto storage =
      server::OpenSqliteStorage({.dir = dir_, .clock = &clock_, .synchronous_full = false});
  if (!storage.ok()) throw std::runtime_error(storage.status().ToString());
  Serve(std::move(storage).value());
}

void ServerFixture::Serve(std::unique_ptr<server::ServerStorage> storage) {
  server::ServerOptions options;
  options.clock = &clock_;
  options.log = log_.get();
  options.limits = limits_;
  options.limits.requests_per_second = requests_per_second_;
  options.limits.burst = burst_;
  options.limits.enrolls_per_second = 1000;
  options.limits.enroll_burst = 1000;
  options.limits.blobs = blob_limits;
  auto started = server::Server::Start(std::move(storage), options);
  if (!started.ok()) throw std::runtime_error(started.status().ToString());
  server_ = std::move(started).value();
}

ServerFixture::~ServerFixture() {
  server_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

ServerFixture::Token ServerFixture::CreateToken(server::DeviceRole role,
                                                std::vector<std::string> classes,
                                                int64_t expires_ms) {
  Token t{sync::RandomSecret(32), sync::NewJoinCode()};
  server::TokenRecord record;
  record.role = role;
  record.classes = std::move(classes);
  record.created_ms = clock_.NowMillis();
  record.expires_ms = expires_ms;
  Status s = Status::Ok();
  server_->WithStorage([&](server::ServerStorage& st) {
    s = st.CreateToken(record, sync::Sha256("token:" + t.secret),
                       sync::Sha256("join:" + sync::NormalizeJoinCode(t.join_code)))
            .status();
  });
  if (!s.ok()) throw std::runtime_error(s.ToString());
  return t;
}

HttpReply ServerFixture::Enroll(const json& request) {
  return Send(port(),
              {"POST", "/v1/enroll", request.dump(), {{"Content-Type", "application/json"}}});
}

TestDevice ServerFixture::Enroll(server::DeviceRole role, std::vector<std::string> classes) {
  Token t = CreateToken(role, std::move(classes));
  TestDevice d;
  HttpReply r = Enroll(json{{"token", t.secret}, {"origin", d.origin.Hex()}, {"name", "test"}});
  if (r.status != 200) throw std::runtime_error("enroll: " + r.body);
  d.credential = r.Json().at("credential");
  d.label = r.Json().at("device");
  return d;
}

HttpReply ServerFixture::Push(const TestDevice& device, const std::vector<Op>& ops) {
  Result<std::string> body = sync::Compress(sync::EncodeBatch(ops), sync::Codec::kZstd);
  return Send(port(), {"POST",
                       "/v1/push",
                       *body,
                       {{"Content-Type", "application/json"},
                        {"Content-Encoding", "zstd"},
                        {"Authorization", "Bearer " + device.credential}}});
}

HttpReply ServerFixture::Pull(const TestDevice& device, uint64_t after, size_t limit) {
  return Send(port(),
              {"GET",
               "/v1/pull?after=" + std::to_string(after) + "&limit=" + std::to_string(limit),
               "",
               {{"Authorization", "Bearer " + device.credential}, {"Accept-Encoding", "zstd"}}});
}

HttpReply ServerFixture::Get(const TestDevice& device, const std::string& target) {
  return Send(port(), {"GET", target, "", {{"Authorization", "Bearer " + device.credential}}});
}

std::vector<Op> ServerFixture::PullAll(const TestDevice& device, size_t page) {
  std::vector<Op> all;
  uint64_t cursor = 0;
  for (int guard = 0; guard < 100000; ++guard) {
    HttpReply r = Pull(device, cursor, page);
    if (r.status != 200) throw std::runtime_error("pull: " + r.body);
    json j = r.Json();
    Result<std::vector<Op>> ops = sync::DecodeBatchJson(j.at("ops"), sync::WireLimits{});
    if (!ops.ok()) throw std::runtime_error(ops.status().ToString());
    all.insert(all.end(), ops->begin(), ops->end());
    cursor = j.at("next_cursor");
    if (!j.at("more").get<bool>()) break;
  }
  return all;
}

uint64_t ServerFixture::OpCount() {
  uint64_t n = 0;
  server_->WithStorage([&](server::ServerStorage& st) { n = st.LogStats()->total_ops; });
  return n;
}

std::string ServerFixture::Digest() {
  std::string d;
  server_->WithStorage([&](server::ServerStorage& st) { d = *st.Digest(); });
  return d;
}

}  // namespace cairn::testing
