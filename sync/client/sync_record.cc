#include "cairn/sync/client/sync_record.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cairn/platform/hex.h"
#include "cairn/sync/enrollment_token.h"

namespace cairn::sync {

using nlohmann::json;
using sync::Base64Url;
using sync::FromBase64Url;

std::filesystem::path SyncRecordFile(const std::filesystem::path& data_dir) {
  return data_dir / "sync.json";
}

Result<std::optional<SyncRecord>> LoadSyncRecord(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::optional<SyncRecord>();
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::IoError("cannot read " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  auto bad = [&](const std::string& why) {
    return Status::Corruption(file.string() + " is not a Cairn sync record (" + why +
                              "); enroll again with `cairnctl enroll` after moving it aside");
  };
  json j = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return bad("not a JSON object");
  SyncRecord r;
  try {
    r.server_url = j.at("server").get<std::string>();
    Result<std::string> pin = FromBase64Url(j.at("pin").get<std::string>());
    if (!pin.ok() || (!pin->empty() && pin->size() != 32)) return bad("pin is not a SHA-256");
    r.pin = *pin;
    Result<Origin> origin = Origin::FromHex(j.at("server_origin").get<std::string>());
    if (!origin.ok()) return bad("server_origin is not an origin");
    r.server_origin = *origin;
    r.device = j.at("device").get<std::string>();
    r.credential = j.at("credential").get<std::string>();
    r.role = j.at("role").get<std::string>();
    r.classes = j.at("classes").get<std::vector<std::string>>();
    r.enrolled_ms = j.value("enrolled_ms", int64_t{0});
    r.acked = j.value("acked", uint64_t{0});
    r.cursor = j.value("cursor", uint64_t{0});
    r.cursor_check = j.value("cursor_check", std::string());
    r.blobs_sent_cursor = j.value("blobs_sent_cursor", uint64_t{0});
    r.blobs_fetched_cursor = j.value("blobs_fetched_cursor", uint64_t{0});
    for (const json& b : j.value("backfill", json::array())) {
      r.backfill.push_back({b.at("learner").get<std::string>(), b.at("after").get<uint64_t>(),
                            b.at("upto").get<uint64_t>()});
    }
    r.last_sync_ms = j.value("last_sync_ms", int64_t{0});
    r.last_attempt_ms = j.value("last_attempt_ms", int64_t{0});
    r.last_error = j.value("last_error", std::string());
    r.last_server_error = j.value("last_server_error", std::string());
  } catch (const json::exception& e) {
    return bad(e.what());
  }
  if (r.credential.empty() || r.server_url.empty()) return bad("no server or credential");
  return std::optional<SyncRecord>(std::move(r));
}

Status SaveSyncRecord(const std::filesystem::path& file, const SyncRecord& r) {
  json backfill = json::array();
  for (const Backfill& b : r.backfill) {
    backfill.push_back({{"learner", b.learner}, {"after", b.after}, {"upto", b.upto}});
  }
  json j = {{"server", r.server_url},
            {"pin", Base64Url(r.pin)},
            {"server_origin", r.server_origin.Hex()},
            {"device", r.device},
            {"credential", r.credential},
            {"role", r.role},
            {"classes", r.classes},
            {"enrolled_ms", r.enrolled_ms},
            {"acked", r.acked},
            {"cursor", r.cursor},
            {"cursor_check", r.cursor_check},
            {"blobs_sent_cursor", r.blobs_sent_cursor},
            {"blobs_fetched_cursor", r.blobs_fetched_cursor},
            {"backfill", backfill},
            {"last_sync_ms", r.last_sync_ms},
            {"last_attempt_ms", r.last_attempt_ms},
            {"last_error", r.last_error},
            {"last_server_error", r.last_server_error}};
  return WriteFileAtomic(file, j.dump(2) + "\n", 0600);
}

std::string PinFingerprint(const std::string& pin) {
  std::string hex = HexEncode(pin), out = "SHA256:";
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (i) out.push_back(':');
    out += hex.substr(i, 2);
  }
  return out;
}

}  // namespace cairn::sync
