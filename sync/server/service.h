// The sync endpoints' logic, free of HTTP: a request's decoded input in, a status
// and a JSON body out. Runs on the server's single writer thread (it uses the
// ServerStorage, which is not thread-safe).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "cairn/agent/hlc.h"
#include "cairn/agent/op.h"
#include "cairn/platform/clock.h"
#include "cairn/sync/server/storage.h"
#include "cairn/sync/wire.h"

namespace cairn::server {

struct Reply {
  int status = 200;
  nlohmann::json body;
  int retry_after_s = 0;  // 429/503: sent as Retry-After
  // Blob downloads: these bytes (application/octet-stream) instead of `body`.
  std::optional<std::string> bytes = std::nullopt;
  // Further headers (Content-Range, Upload-Offset, ...).
  std::vector<std::pair<std::string, std::string>> headers = {};
};

// {"error": code, "message": message} plus `extra` fields.
Reply ErrorReply(int status, std::string_view code, std::string message,
                 nlohmann::json extra = nlohmann::json::object());

class SyncService {
 public:
  SyncService(ServerStorage& storage, const Clock& clock) : storage_(storage), clock_(clock) {}

  // POST /v1/enroll: {"token": secret | "join_code": code, "origin": hex, "name": text,
  // "fingerprint": hex (optional; the credential is bound to it)}.
  Reply Enroll(const nlohmann::json& request);

  // The device holding `credential`, or a 401 reply (unknown or revoked), or a
  // 403 fingerprint_mismatch when `fingerprint` (the Cairn-Fingerprint header, ""
  // when absent) is not the one the credential is bound to. An unbound credential
  // is bound to the first fingerprint presented with it.
  std::variant<DeviceRecord, Reply> Authenticate(std::string_view credential,
                                                 std::string_view fingerprint);

  // POST /v1/push: a batch of the device's own ops.
  Reply Push(const DeviceRecord& device, const std::vector<Op>& ops,
             std::optional<uint64_t> device_clock);
  // GET /v1/pull: ops after `cursor` that the device may see; at most `limit`.
  // The body's "ops" is a vector of ops for the HTTP layer to encode.
  // `at`: the id of the op at next_cursor, which the device sends back as
  // `check` with that cursor ("" when there is none).
  struct PullResult {
    std::vector<Op> ops;
    uint64_t next_cursor = 0;
    bool more = false;
    Hlc clock = 0;
    std::string at;
    // The device's highest seq stored here: below what the device thinks was
    // acknowledged after a restore from a backup, and it sends the rest again.
    std::optional<uint64_t> acked;
  };
  // `check` (the `at` the device got with `cursor`; "" for none): when this log
  // holds another op at `cursor`, or none, the device's cursor is not of this log
  // (the server was restored from a backup, or replaced) and the answer is 409
  // cursor_unknown: the device reads again from the start.
  std::variant<PullResult, Reply> Pull(const DeviceRecord& device, uint64_t cursor, size_t limit,
                                       std::optional<uint64_t> device_clock,
                                       std::string_view check = "");
  // GET /v1/pull?learner=L&upto=U: the back-fill of a learner who joined one of
  // the device's classes when its cursor stood at U. The ops about L the log
  // holds in (cursor, U] (a page may reach a little past U: a device has those
  // already, and applying an op twice changes nothing). 403 when L is not in the
  // device's classes.
  std::variant<PullResult, Reply> Backfill(const DeviceRecord& device, const std::string& learner,
                                           uint64_t cursor, uint64_t upto, size_t limit,
                                           std::optional<uint64_t> device_clock);
  // What the device says it holds (the Cairn-Pending header), for `cairn-server
  // devices`; written only when it changed since the device's record was read
  // (most requests of a sync repeat it). Bookkeeping: a failure is not the request's.
  void NotePending(const DeviceRecord& device, const sync::Pending& pending) {
    if (device.reported && device.reported_seq == pending.seq &&
        device.pending_files == pending.files) {
      return;
    }
    (void)storage_.RecordPending(device.id, pending.seq, pending.files);
  }
  // GET /v1/clock.
  Reply ClockReply(const DeviceRecord& device, std::optional<uint64_t> device_clock);

  // How many log ops a pull examines at most before it answers (with more=true
  // when it stopped early), so an out-of-scope stretch of the log costs bounded time.
  static constexpr size_t kMaxPullScan = 20000;

 private:
  void Touch(const DeviceRecord& device, std::optional<uint64_t> device_clock,
             std::optional<uint64_t> acked);
  // The log after `cursor`, up to about `upto`, that can concern `learners`
  // (ServerStorage::OpsConcerning), less the device's own ops, as `wanted`
  // chooses: at most `limit` ops, kMaxPullScan examined.
  std::variant<PullResult, Reply> Scan(const DeviceRecord& device,
                                       const std::set<std::string>& learners, uint64_t cursor,
                                       uint64_t upto, size_t limit,
                                       std::optional<uint64_t> device_clock,
                                       const std::function<Result<bool>(const Op&)>& wanted);

  ServerStorage& storage_;
  const Clock& clock_;
};

}  // namespace cairn::server
