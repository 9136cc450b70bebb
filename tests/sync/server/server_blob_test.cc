// Blobs on the server (PROTOCOL.md, "Blobs"): resumable, SHA-256-checked
// uploads by chunk, ranged downloads, and who may upload or fetch what.
// clang-format off
// <utility> first: Boost 1.74's asio uses std::exchange without including it.
#include <utility>
// clang-format on
#include <boost/asio.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>

#include "cairn/sync/server/storage.h"
#include "sha256.h"
#include "sync/server/server_testing.h"

namespace cairn::testing {
namespace {

using nlohmann::json;
using server::DeviceRole;

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

// A teacher device of class A with an artifact op about a1 naming `bytes`.
struct Artifact {
  TestDevice device;
  std::string bytes;
  std::string sha;
  std::string path;
};

Artifact PushArtifact(ServerFixture& server, std::string bytes,
                      std::vector<std::string> learners = {"a1"}) {
  Artifact a{server.Enroll(DeviceRole::kTeacherDevice, {"A"}), std::move(bytes), "", ""};
  a.sha = Sha256Hex(a.bytes);
  a.path = "/v1/blobs/" + a.sha;
  Op op = a.device.MakeOp("artifact", {{"learners", learners},
                                       {"sha256", a.sha},
                                       {"size", a.bytes.size()},
                                       {"media_type", "image/jpeg"},
                                       {"name", "strips.jpg"}});
  HttpReply r = server.Push(a.device, {op});
  INFO(r.body);
  REQUIRE(r.status == 200);
  return a;
}

HttpReply Put(ServerFixture& server, const TestDevice& device, const std::string& path,
              const std::string& all, size_t first, size_t n) {
  return Send(server.port(),
              {"PUT",
               path,
               all.substr(first, n),
               {{"Authorization", "Bearer " + device.credential},
                {"Content-Type", "application/octet-stream"},
                {"Content-Range", "bytes " + std::to_string(first) + "-" +
                                      std::to_string(first + n - 1) + "/" +
                                      std::to_string(all.size())}}});
}

HttpReply Head(ServerFixture& server, const TestDevice& device, const std::string& path) {
  return Send(server.port(), {"HEAD", path, "", {{"Authorization", "Bearer " + device.credential}}});
}

HttpReply GetRange(ServerFixture& server, const TestDevice& device, const std::string& path,
                   const std::string& range) {
  return Send(server.port(),
              {"GET", path, "", {{"Authorization", "Bearer " + device.credential}, {"Range", range}}});
}

// Sends the headers of a PUT and `sent` bytes of its body, then closes: a
// connection cut mid-body.
void CutPut(ServerFixture& server, const TestDevice& device, const std::string& path,
            const std::string& all, size_t first, size_t n, size_t sent) {
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket socket(ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), server.port()});
  std::string head = "PUT " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                     "Authorization: Bearer " + device.credential + "\r\n" +
                     "Content-Type: application/octet-stream\r\n" +
                     "Content-Range: bytes " + std::to_string(first) + "-" +
                     std::to_string(first + n - 1) + "/" + std::to_string(all.size()) + "\r\n" +
                     "Content-Length: " + std::to_string(n) + "\r\n\r\n";
  net::write(socket, net::buffer(head + all.substr(first, sent)));
  socket.close();
}

size_t FilesUnder(const std::filesystem::path& dir) {
  size_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       it != std::filesystem::recursive_directory_iterator(); ++it) {
    n += it->is_regular_file() ? 1 : 0;
  }
  return n;
}

}  // namespace

TEST_CASE("an upload cut mid-body and a server restart resume from what the server holds",
          "[sync][blobs]") {
  ServerFixture server;
  Artifact a = PushArtifact(server, RandomBytes(300'000, 1));
  HttpReply first = Put(server, a.device, a.path, a.bytes, 0, 100'000);
  INFO(first.body);
  REQUIRE(first.status == 200);
  CHECK(first.Json()["received"] == 100'000);
  CHECK(first.Json()["complete"] == false);

  CutPut(server, a.device, a.path, a.bytes, 100'000, 100'000, 40'000);
  server.Restart();

  HttpReply head = Head(server, a.device, a.path);
  REQUIRE(head.status == 200);
  CHECK(head.headers["upload-offset"] == "100000");
  CHECK(head.headers["upload-length"] == "300000");
  // A chunk that does not start where the server is: 409 with where to go on.
  HttpReply wrong = Put(server, a.device, a.path, a.bytes, 200'000, 100'000);
  CHECK(wrong.status == 409);
  CHECK(wrong.Json()["received"] == 100'000);

  REQUIRE(Put(server, a.device, a.path, a.bytes, 100'000, 100'000).status == 200);
  HttpReply last = Put(server, a.device, a.path, a.bytes, 200'000, 100'000);
  REQUIRE(last.status == 200);
  CHECK(last.Json()["complete"] == true);
  HttpReply got = server.Get(a.device, a.path);
  REQUIRE(got.status == 200);
  CHECK(got.body == a.bytes);
  CHECK(Head(server, a.device, a.path).headers["content-length"] == "300000");
}

TEST_CASE("bytes that do not match their SHA-256 are refused and nothing of them is kept",
          "[sync][blobs]") {
  ServerFixture server;
  Artifact a = PushArtifact(server, RandomBytes(50'000, 2));
  std::string forged = a.bytes;
  forged[49'000] ^= 1;
  REQUIRE(Put(server, a.device, a.path, forged, 0, 30'000).status == 200);
  HttpReply r = Put(server, a.device, a.path, forged, 30'000, 20'000);
  INFO(r.body);
  CHECK(r.status == 400);
  CHECK(r.Json()["error"] == "hash_mismatch");
  CHECK(Head(server, a.device, a.path).headers["upload-offset"] == "0");
  CHECK(server.Get(a.device, a.path).status == 404);
  CHECK(FilesUnder(server.dir() / "blobs") == 0);
  // Sent again, right, from the start: stored.
  REQUIRE(Put(server, a.device, a.path, a.bytes, 0, 50'000).status == 200);
  CHECK(server.Get(a.device, a.path).body == a.bytes);
}

TEST_CASE("a download resumes by range and a range past the end is 416", "[sync][blobs]") {
  ServerFixture server;
  server.blob_limits.max_answer_bytes = 64 * 1024;
  server.Restart();
  Artifact a = PushArtifact(server, RandomBytes(150'000, 3));
  REQUIRE(Put(server, a.device, a.path, a.bytes, 0, a.bytes.size()).status == 200);
  TestDevice reader = server.Enroll(DeviceRole::kStudentDevice, {"A"});

  HttpReply part = GetRange(server, reader, a.path, "bytes=0-9999");
  REQUIRE(part.status == 206);
  CHECK(part.headers["content-range"] == "bytes 0-9999/150000");
  std::string got = part.body;
  // The rest, asked for whole: the server sends at most 64 KiB an answer and says so.
  while (got.size() < a.bytes.size()) {
    HttpReply more = GetRange(server, reader, a.path, "bytes=" + std::to_string(got.size()) + "-");
    REQUIRE(more.status == 206);
    CHECK(more.body.size() <= 64 * 1024);
    CHECK(more.headers["content-range"].starts_with("bytes " + std::to_string(got.size()) + "-"));
    got += more.body;
  }
  CHECK(got == a.bytes);
  HttpReply past = GetRange(server, reader, a.path, "bytes=150000-");
  CHECK(past.status == 416);
  CHECK(past.headers["content-range"] == "bytes */150000");
  CHECK(GetRange(server, reader, a.path, "bytes=-500").status == 400);
}

TEST_CASE("a device fetches only blobs in its scope and uploads only those its ops name",
          "[sync][blobs]") {
  ServerFixture server;
  Artifact a = PushArtifact(server, RandomBytes(10'000, 4));
  REQUIRE(Put(server, a.device, a.path, a.bytes, 0, a.bytes.size()).status == 200);

  TestDevice class_b = server.Enroll(DeviceRole::kTeacherDevice, {"B"});
  HttpReply outside = server.Get(class_b, a.path);
  CHECK(outside.status == 403);
  CHECK(outside.Json()["error"] == "forbidden");
  CHECK(outside.body.find(a.bytes.substr(0, 16)) == std::string::npos);
  CHECK(Head(server, class_b, a.path).status == 403);

  // Same class, but its own ops do not name the blob: it may fetch, not upload.
  TestDevice class_a = server.Enroll(DeviceRole::kTeacherDevice, {"A"});
  CHECK(server.Get(class_a, a.path).status == 200);
  Artifact other = PushArtifact(server, RandomBytes(10'000, 5));
  HttpReply foreign = Put(server, class_a, other.path, other.bytes, 0, other.bytes.size());
  CHECK(foreign.status == 403);
  CHECK(Head(server, other.device, other.path).headers["upload-offset"] == "0");

  // A blob no op names.
  std::string stray = RandomBytes(1000, 6);
  CHECK(Put(server, a.device, "/v1/blobs/" + Sha256Hex(stray), stray, 0, 1000).status == 404);
  CHECK(server.Get(a.device, "/v1/blobs/not-a-hash").status == 404);
  CHECK(Send(server.port(), {"GET", a.path, "", {}}).status == 401);
}

TEST_CASE("blobs over the size limit or the device's quota are 413", "[sync][blobs]") {
  ServerFixture server;
  server.blob_limits.max_blob_bytes = 20'000;
  server.blob_limits.device_quota_bytes = 25'000;
  server.Restart();
  Artifact big = PushArtifact(server, RandomBytes(30'000, 7));
  HttpReply r = Put(server, big.device, big.path, big.bytes, 0, 1000);
  CHECK(r.status == 413);
  CHECK(r.Json()["error"] == "too_large");

  Artifact a = PushArtifact(server, RandomBytes(15'000, 8));
  REQUIRE(Put(server, a.device, a.path, a.bytes, 0, a.bytes.size()).status == 200);
  std::string second = RandomBytes(15'000, 9);
  Op op = a.device.MakeOp("artifact", {{"learners", {"a1"}},
                                       {"sha256", Sha256Hex(second)},
                                       {"size", second.size()}},
                          2);
  REQUIRE(server.Push(a.device, {op}).status == 200);
  HttpReply over = Put(server, a.device, "/v1/blobs/" + Sha256Hex(second), second, 0, 1000);
  CHECK(over.status == 413);
  CHECK(over.Json()["error"] == "quota");
}

TEST_CASE("a published pack's file is a blob every device may fetch", "[sync][blobs]") {
  ServerFixture server;
  std::string pack_file = R"({"id": "tiny", "version": "1", "title": "Tiny", "language": "en",
    "competencies": [{"id": "tiny.c", "title": "C"}],
    "lessons": [{"id": "tiny.l", "title": "L", "competencies": ["tiny.c"],
                 "items": [{"id": "tiny.i", "type": "numeric", "prompt": "1+1", "answer": 2}]}]})";
  std::string sha;
  REQUIRE(server.server()
              .WithStorage([&](server::ServerStorage& storage) {
                auto blob = storage.PutBlob(pack_file);
                REQUIRE(blob.ok());
                sha = blob->sha256;
                REQUIRE(storage
                            .AppendServerOps({{"pack",
                                               {{"pack", "tiny"},
                                                {"content_hash", sha},
                                                {"content_size", pack_file.size()}}}})
                            .ok());
              })
              .ok());
  TestDevice student = server.Enroll(DeviceRole::kStudentDevice, {"B"});
  HttpReply r = server.Get(student, "/v1/blobs/" + sha);
  REQUIRE(r.status == 200);
  CHECK(r.body == pack_file);
}

}  // namespace cairn::testing
