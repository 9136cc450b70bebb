// Files after ops (PROTOCOL.md, "Blobs"): a teacher device's photo goes up and
// comes down to another device of the class, byte for byte; a connection cut
// mid-upload or mid-download resumes where the server or the device got to; a
// metered link sends the ops and keeps the files waiting.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>

#include "../server/server_testing.h"
#include "cairn/agent/artifact.h"
#include "cairn/agent/store.h"
#include "cairn/sync/client/client.h"
#include "fault_proxy.h"

namespace cairn::testing {
namespace {

namespace fs = std::filesystem;
using server::DeviceRole;

// A device with its store and blobs in a directory of its own, enrolled through `url`.
struct Device {
  fs::path dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<BlobStore> blobs;
  sync::SyncRecord record;
  sync::SyncStateBox state;

  Device(ServerFixture& server, const std::string& url, DeviceRole role) {
    std::string pattern = (fs::temp_directory_path() / "cairn-blobs-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    dir = pattern;
    StoreOptions options;
    options.path = dir / "cairn.db";
    options.synchronous_full = false;
    store = std::move(Store::Open(options)).value();
    blobs = std::make_unique<BlobStore>(BlobStoreDir(dir));
    Origin origin = Origin::Random();
    auto token = server.CreateToken(role, {"A"});
    auto enrolled = sync::Enroll({token.join_code, url, "test"}, origin);
    REQUIRE(enrolled.ok());
    record = *enrolled;
    REQUIRE(store->Initialize(origin, StoreMode::kDevice, record.server_origin).ok());
  }
  ~Device() {
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  sync::SyncReport Sync(bool unmetered = true) {
    sync::ClientOptions o;
    o.blobs = blobs.get();
    o.blobs_allowed = unmetered;
    o.state = &state;
    o.connect_timeout_ms = 2000;
    o.low_speed_time_s = 3;
    return sync::Sync(*store, record, [](const sync::SyncRecord&) { return Status::Ok(); }, o);
  }

  // An observation of a1 with `bytes` attached as a photo; returns its SHA-256.
  std::string ObserveWithPhoto(const std::string& bytes) {
    fs::path photo = dir / "strips.jpg";
    std::ofstream(photo, std::ios::binary) << bytes;
    nlohmann::json observation = {{"teacher", "t1"},           {"learners", {"a1"}},
                                  {"competency", "c1"},        {"level", 3},
                                  {"modality", "small_group"}};
    REQUIRE(AppendObservationWithFile(*store, *blobs, observation, photo).ok());
    return Sha256Of(photo);
  }

  static std::string Sha256Of(const fs::path& file) {
    BlobStore scratch(fs::temp_directory_path() / "cairn-blobs-scratch");
    return scratch.AddFile(file)->sha256;
  }

  std::string Read(const std::string& sha) const {
    std::ifstream in(blobs->PathOf(sha), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

std::string Photo(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

std::string Url(uint16_t port) { return "http://127.0.0.1:" + std::to_string(port); }

}  // namespace

TEST_CASE("a teacher's photo reaches another teacher device of the class byte for byte",
          "[sync][blobs]") {
  ServerFixture server;
  Device teacher(server, Url(server.port()), DeviceRole::kTeacherDevice);
  Device colleague(server, Url(server.port()), DeviceRole::kTeacherDevice);
  const std::string photo = Photo(2'000'000, 1);
  std::string sha = teacher.ObserveWithPhoto(photo);

  sync::SyncReport up = teacher.Sync();
  INFO(up.message);
  REQUIRE(up.all_sent());
  CHECK(up.pushed == 2);  // the artifact and the observation
  CHECK(up.blobs_sent == 1);
  CHECK(teacher.state.Snapshot().pending_blobs == 0);
  // Bytes on the wire for the whole sync (ops, headers, the photo's chunks) against the file.
  std::printf("METRIC blob_upload_wire_bytes %llu bytes\nMETRIC blob_upload_file_bytes %zu bytes\n",
              static_cast<unsigned long long>(up.bytes_sent), photo.size());
  CHECK(up.bytes_sent < photo.size() + 8'000);

  sync::SyncReport down = colleague.Sync();
  INFO(down.message);
  REQUIRE(down.all_sent());
  CHECK(down.blobs_received == 1);
  CHECK(down.missing_blobs == 0);
  std::printf("METRIC blob_download_wire_bytes %llu bytes\n",
              static_cast<unsigned long long>(down.bytes_received));
  CHECK(colleague.Read(sha) == photo);
  auto evidence = colleague.store->EvidenceFor("a1").value();
  REQUIRE(evidence.size() == 2);
  CHECK(evidence[0].op.kind == "artifact");
  CHECK(evidence[0].op.body["name"] == "strips.jpg");
  CHECK(evidence[1].op.body["artifacts"][0] == sha);

  // Nothing moves the second time.
  sync::SyncReport again = colleague.Sync();
  CHECK(again.blobs_received == 0);
  CHECK(again.requests == 1);
}

TEST_CASE("a metered link sends the ops and keeps the files waiting", "[sync][blobs]") {
  ServerFixture server;
  Device teacher(server, Url(server.port()), DeviceRole::kTeacherDevice);
  std::string sha = teacher.ObserveWithPhoto(Photo(100'000, 2));

  sync::SyncReport metered = teacher.Sync(/*unmetered=*/false);
  CHECK(metered.ok());
  CHECK(metered.pushed == 2);
  CHECK_FALSE(metered.all_sent());
  CHECK(metered.blobs_waited);
  CHECK(metered.pending_blobs == 1);
  CHECK(metered.message.find("not metered") != std::string::npos);
  sync::SyncState state = teacher.state.Snapshot();
  CHECK(state.blobs_wait_for_unmetered);
  CHECK(state.pending_blobs == 1);
  CHECK(state.pending_ops == 0);
  CHECK(metered.bytes_sent < 10'000);

  sync::SyncReport unmetered = teacher.Sync();
  CHECK(unmetered.all_sent());
  CHECK(unmetered.blobs_sent == 1);
  CHECK(teacher.state.Snapshot().pending_blobs == 0);
}

TEST_CASE("an upload cut mid-body resumes from what the server holds", "[sync][blobs]") {
  ServerFixture server;
  FaultProxy proxy(server.port(), 1, /*fault_rate=*/0);
  Device teacher(server, Url(proxy.port()), DeviceRole::kTeacherDevice);
  const std::string photo = Photo(1'200'000, 3);
  std::string sha = teacher.ObserveWithPhoto(photo);

  // Past the push, the pull and the first 512 KiB chunk: inside the second chunk.
  // libcurl sends a request cut on a reused connection again on a new one: refuse that.
  proxy.ForceNext({Fault::kCutRequest, 800'000});
  proxy.ForceNext({Fault::kRefuse});
  sync::SyncReport cut = teacher.Sync();
  CHECK(cut.outcome == sync::SyncOutcome::kUnreachable);
  CHECK(cut.pending_blobs == 1);
  server.Restart();
  proxy.SetTarget(server.port());

  sync::SyncReport resumed = teacher.Sync();
  INFO(resumed.message);
  REQUIRE(resumed.all_sent());
  // Only what the server did not hold went again.
  CHECK(resumed.bytes_sent < photo.size() - 500'000);
  Device colleague(server, Url(server.port()), DeviceRole::kTeacherDevice);
  REQUIRE(colleague.Sync().all_sent());
  CHECK(colleague.Read(sha) == photo);
}

TEST_CASE("a download cut mid-body resumes from what the device holds", "[sync][blobs]") {
  ServerFixture server;
  FaultProxy proxy(server.port(), 2, /*fault_rate=*/0);
  Device teacher(server, Url(server.port()), DeviceRole::kTeacherDevice);
  Device colleague(server, Url(proxy.port()), DeviceRole::kTeacherDevice);
  const std::string photo = Photo(1'500'000, 4);
  std::string sha = teacher.ObserveWithPhoto(photo);
  REQUIRE(teacher.Sync().all_sent());

  // Past the first 1 MiB answer: inside the second.
  proxy.ForceNext({Fault::kCutResponse, 1'200'000});
  sync::SyncReport cut = colleague.Sync();
  CHECK(cut.outcome == sync::SyncOutcome::kUnreachable);
  CHECK_FALSE(colleague.blobs->Has(sha));
  CHECK(colleague.blobs->Received(sha).value() == 1 << 20);

  sync::SyncReport resumed = colleague.Sync();
  INFO(resumed.message);
  REQUIRE(resumed.all_sent());
  CHECK(resumed.bytes_received < photo.size() - (1 << 20) + 10'000);
  CHECK(colleague.Read(sha) == photo);
}

}  // namespace cairn::testing
