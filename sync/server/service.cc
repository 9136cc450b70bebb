#include "service.h"

#include <algorithm>
#include <limits>

#include "cairn/sync/enrollment_token.h"
#include "cairn/sync/wire.h"
#include "scope.h"

namespace cairn::server {

using nlohmann::json;

Reply ErrorReply(int status, std::string_view code, std::string message, json extra) {
  json body = {{"error", code}, {"message", std::move(message)}};
  for (auto& [k, v] : extra.items()) body[k] = v;
  return Reply{status, std::move(body)};
}

namespace {

Reply Internal(const Status& s) {
  return ErrorReply(500, "internal", "the server could not do this: " + s.message());
}

std::string StringField(const json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Reply SyncService::Enroll(const json& request) {
  if (!request.is_object()) return ErrorReply(400, "bad_request", "expected a JSON object");
  std::string token = StringField(request, "token");
  std::string join_code = StringField(request, "join_code");
  if (token.empty() == join_code.empty()) {
    return ErrorReply(400, "bad_request",
                      "give exactly one of \"token\" (the secret of an enrollment token) or "
                      "\"join_code\"");
  }
  Result<Origin> origin = Origin::FromHex(StringField(request, "origin"));
  if (!origin.ok() || origin->IsZero()) {
    return ErrorReply(400, "bad_request", "\"origin\" must be the device's origin: 32 hex digits");
  }
  if (*origin == storage_.server_origin()) {
    return ErrorReply(400, "bad_request", "\"origin\" is the server's own origin");
  }
  std::string name = StringField(request, "name").substr(0, 200);
  std::string fingerprint = StringField(request, "fingerprint");
  if (!fingerprint.empty() && !sync::IsFingerprint(fingerprint)) {
    return ErrorReply(400, "bad_request",
                      "\"fingerprint\" must be the machine fingerprint: 64 lower-case hex digits");
  }
  SecretHash hash =
      sync::Sha256(token.empty() ? "join:" + sync::NormalizeJoinCode(join_code) : "token:" + token);
  Result<std::optional<TokenRecord>> found = storage_.FindToken(hash);
  if (!found.ok()) return Internal(found.status());
  const char* what = token.empty() ? "join code" : "enrollment token";
  if (!*found) {
    return ErrorReply(401, "unknown_token",
                      std::string("this ") + what +
                          " is not known to this server; check it "
                          "or ask for a new one");
  }
  const TokenRecord& t = **found;
  int64_t now = clock_.NowMillis();
  if (t.revoked)
    return ErrorReply(401, "revoked_token", std::string("this ") + what + " was revoked");
  if (t.expires_ms != 0 && now >= t.expires_ms) {
    return ErrorReply(401, "expired_token",
                      std::string("this ") + what +
                          " expired; ask for a new one (`cairn-server "
                          "token create`)");
  }
  DeviceRecord d;
  d.origin = *origin;
  d.role = t.role;
  d.classes = t.classes;
  d.name = name;
  d.token = t.id;
  d.enrolled_ms = now;
  d.fingerprint = fingerprint;
  std::string credential = sync::RandomSecret(32);
  Result<DeviceRecord> enrolled =
      storage_.EnrollDevice(d, sync::Sha256("credential:" + credential));
  if (!enrolled.ok()) {
    if (enrolled.status().code() == Status::Code::kFailedPrecondition) {
      return ErrorReply(409, "origin_taken", enrolled.status().message());
    }
    return Internal(enrolled.status());
  }
  return Reply{200,
               {{"device", enrolled->Label()},
                {"credential", credential},
                {"role", RoleName(enrolled->role)},
                {"classes", enrolled->classes},
                {"server_origin", storage_.server_origin().Hex()},
                {"clock", storage_.Clock()}}};
}

std::variant<DeviceRecord, Reply> SyncService::Authenticate(std::string_view credential,
                                                            std::string_view fingerprint) {
  if (credential.empty()) {
    return ErrorReply(401, "unauthenticated",
                      "this request needs \"Authorization: Bearer <credential>\"; enroll first");
  }
  Result<std::optional<DeviceRecord>> d =
      storage_.FindDevice(sync::Sha256("credential:" + std::string(credential)));
  if (!d.ok()) return Internal(d.status());
  if (!*d) {
    return ErrorReply(401, "unknown_device",
                      "this device's credential is not known to this server; enroll again");
  }
  if ((*d)->revoked) {
    return ErrorReply(401, "revoked_device",
                      "this device (" + (*d)->Label() +
                          ") was revoked by the school; enroll "
                          "again with a new token");
  }
  DeviceRecord& device = **d;
  if (device.fingerprint.empty() && !fingerprint.empty()) {
    // Bound to the first machine that presents it (a device enrolled before
    // fingerprints were sent, or one whose enrollment carried none).
    Status bound = storage_.BindFingerprint(device.id, fingerprint);
    if (!bound.ok()) return Internal(bound);
    device.fingerprint = std::string(fingerprint);
  } else if (device.fingerprint != fingerprint) {
    // A copy of the device's files on another machine (a cloned disk, a restored
    // backup) that did not notice by itself: the copy must become a device of its
    // own, and the original keeps the credential.
    return ErrorReply(403, sync::kFingerprintMismatch,
                      "this credential belongs to device " + device.Label() +
                          " on another machine; this copy must enroll again as a new device "
                          "(cairnctl sync does that with the enrollment token)",
                      {{"device", device.Label()}});
  }
  return device;
}

void SyncService::Touch(const DeviceRecord& device, std::optional<uint64_t> device_clock,
                        std::optional<uint64_t> acked) {
  int64_t now = clock_.NowMillis();
  int64_t skew = device_clock ? HlcMillis(*device_clock) - now : device.clock_skew_ms;
  // Bookkeeping for `cairn-server devices`; a failure here must not fail the sync.
  (void)storage_.RecordSync(device.id, now, acked, skew);
}

Reply SyncService::Push(const DeviceRecord& device, const std::vector<Op>& ops,
                        std::optional<uint64_t> device_clock) {
  // A stamp far ahead of the server's clock is accepted: it is a child's work,
  // and refusing it would also stall every later op of the device's dense log.
  // The device's skew is recorded (Touch) for `cairn-server devices`; the client
  // moves its clock forward from the server's answers, never back (PROTOCOL.md,
  // "Clocks").
  Result<Scope> scope = LoadScope(storage_, device);
  if (!scope.ok()) return Internal(scope.status());
  Result<std::optional<Refusal>> refusal = AuthorizePush(storage_, *scope, ops);
  if (!refusal.ok()) return Internal(refusal.status());
  if (*refusal) {
    const Refusal& r = **refusal;
    return ErrorReply(
        403, "forbidden",
        "op " + r.op + " (" + r.kind + ") refused: " + r.why + "; nothing of this batch was stored",
        {{"op", r.op}, {"kind", r.kind}, {"reason", r.why}});
  }
  Result<PushOutcome> out = storage_.ApplyPush(device.origin, ops);
  if (!out.ok()) {
    Result<uint64_t> acked = storage_.Acked(device.origin);
    json extra = {{"acked", acked.ok() ? *acked : 0}};
    if (out.status().code() == Status::Code::kFailedPrecondition) {
      return ErrorReply(409, "gap", out.status().message(), extra);
    }
    if (out.status().code() == Status::Code::kInvalidArgument) {
      return ErrorReply(409, "conflict", out.status().message(), extra);
    }
    return Internal(out.status());
  }
  Touch(device, device_clock, out->acked);
  return Reply{200, sync::PushAckJson(out->acked, storage_.Clock())};
}

std::variant<SyncService::PullResult, Reply> SyncService::Pull(const DeviceRecord& device,
                                                               uint64_t cursor, size_t limit,
                                                               std::optional<uint64_t> device_clock,
                                                               std::string_view check) {
  if (cursor > 0 && !check.empty()) {
    Result<std::optional<OpId>> at = storage_.OpIdAt(cursor);
    if (!at.ok()) return Internal(at.status());
    if (!*at || (*at)->ToString() != check) {
      return ErrorReply(409, "cursor_unknown",
                        "this server's log does not hold what this device read up to position " +
                            std::to_string(cursor) +
                            " (it was restored from a backup, or replaced); read it again from "
                            "the start",
                        {{"cursor", cursor}});
    }
  }
  Result<Scope> scope = LoadScope(storage_, device);
  if (!scope.ok()) return Internal(scope.status());
  auto scanned = Scan(device, scope->learners, cursor, std::numeric_limits<uint64_t>::max(), limit,
                      device_clock, [&](const Op& op) { return Visible(storage_, *scope, op); });
  auto* out = std::get_if<PullResult>(&scanned);
  if (!out) return scanned;
  // For the device's next pull (its check) and its push (a restore lost ops).
  Result<uint64_t> acked = storage_.Acked(device.origin);
  if (!acked.ok()) return Internal(acked.status());
  out->acked = *acked;
  if (out->next_cursor > 0) {
    Result<std::optional<OpId>> at = storage_.OpIdAt(out->next_cursor);
    if (!at.ok()) return Internal(at.status());
    if (*at) out->at = (*at)->ToString();
  }
  return scanned;
}

std::variant<SyncService::PullResult, Reply> SyncService::Backfill(
    const DeviceRecord& device, const std::string& learner, uint64_t cursor, uint64_t upto,
    size_t limit, std::optional<uint64_t> device_clock) {
  Result<Scope> scope = LoadScope(storage_, device);
  if (!scope.ok()) return Internal(scope.status());
  if (!scope->learners.count(learner)) {
    return ErrorReply(403, "forbidden",
                      "learner " + learner +
                          " is not in this device's classes; it may not "
                          "pull their history");
  }
  // Their record and the ops about them are among the ops concerning them alone.
  return Scan(device, {learner}, cursor, upto, limit, device_clock,
              [&](const Op& op) { return VisibleInBackfill(storage_, learner, op); });
}

std::variant<SyncService::PullResult, Reply> SyncService::Scan(
    const DeviceRecord& device, const std::set<std::string>& learners, uint64_t cursor,
    uint64_t upto, size_t limit, std::optional<uint64_t> device_clock,
    const std::function<Result<bool>(const Op&)>& wanted) {
  PullResult out;
  out.next_cursor = cursor;
  size_t scanned = 0;
  // A page never holds more ops than may still be returned, so every op of it is
  // either returned or filtered out, and its cursor is exact.
  while (out.ops.size() < limit && out.next_cursor < upto) {
    size_t chunk = std::min({size_t{1000}, limit - out.ops.size(), kMaxPullScan - scanned});
    if (chunk == 0) {
      out.more = true;
      break;
    }
    Result<ScanPage> page = storage_.OpsConcerning(learners, out.next_cursor, chunk);
    if (!page.ok()) return Internal(page.status());
    scanned += page->ops.size();
    for (Op& op : page->ops) {
      // The device wrote these: sending them back would double a day's pull.
      if (op.origin == device.origin) continue;
      Result<bool> visible = wanted(op);
      if (!visible.ok()) return Internal(visible.status());
      if (*visible) out.ops.push_back(std::move(op));
    }
    out.next_cursor = page->next_cursor;
    out.more = page->more && out.next_cursor < upto;
    if (!page->more) break;
  }
  out.clock = storage_.Clock();
  Touch(device, device_clock, std::nullopt);
  return out;
}

Reply SyncService::ClockReply(const DeviceRecord& device, std::optional<uint64_t> device_clock) {
  Touch(device, device_clock, std::nullopt);
  return Reply{200, {{"clock", storage_.Clock()}, {"server_ms", clock_.NowMillis()}}};
}

}  // namespace cairn::server
