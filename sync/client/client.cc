#include "cairn/sync/client/client.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "cairn/platform/numbers.h"
#include "cairn/sync/byte_range.h"
#include "cairn/sync/enrollment_token.h"
#include "cairn/sync/query.h"
#include "cairn/sync/wire.h"
#include "http_connection.h"
#include "store_lock.h"

namespace cairn::sync {
namespace {

using nlohmann::json;

ConnectionOptions ConnectionFor(const std::string& url, const std::string& pin,
                                const ClientOptions& o) {
  ConnectionOptions c;
  c.base_url = url;
  while (!c.base_url.empty() && c.base_url.back() == '/') c.base_url.pop_back();
  c.pin = url.starts_with("https://") ? pin : "";
  c.max_send_bytes_per_s = o.max_send_bytes_per_s;
  c.max_recv_bytes_per_s = o.max_recv_bytes_per_s;
  c.low_speed_bytes_per_s = o.low_speed_bytes_per_s;
  c.low_speed_time_s = o.low_speed_time_s;
  c.connect_timeout_ms = o.connect_timeout_ms;
  c.max_response_bytes = WireLimits{}.max_body_bytes;
  c.cancel = o.cancel;
  return c;
}

// The JSON body of a response (decompressed as its Content-Encoding says),
// bounded as any network input; an error when it is not JSON.
Result<json> BodyJson(const HttpResponse& r) {
  auto ce = r.headers.find("content-encoding");
  std::optional<Codec> codec =
      CodecFromContentEncoding(ce == r.headers.end() ? "" : std::string_view(ce->second));
  if (!codec) return Status::InvalidArgument("the server answered in an unknown encoding");
  WireLimits limits;
  CAIRN_ASSIGN_OR_RETURN(std::string text, DecodeContent(r.body, *codec, limits));
  return ParseJson(text, limits);
}

// What an error response says: its "error" code and "message".
struct ServerError {
  std::string code;
  std::string message;
  json body;
};

ServerError ErrorOf(const HttpResponse& r) {
  ServerError e;
  Result<json> j = BodyJson(r);
  if (j.ok() && j->is_object()) {
    e.body = *j;
    if (auto it = j->find("error"); it != j->end() && it->is_string()) e.code = *it;
    if (auto it = j->find("message"); it != j->end() && it->is_string()) e.message = *it;
  }
  if (e.message.empty()) e.message = "HTTP status " + std::to_string(r.status);
  return e;
}

int64_t RetryAfterMs(const HttpResponse& r) {
  auto it = r.headers.find("retry-after");
  if (it == r.headers.end()) return 0;
  // An HTTP date instead of seconds is treated as unknown; so is more than a day.
  std::optional<uint64_t> s = ParseU64(it->second);
  return s && *s <= 86'400 ? static_cast<int64_t>(*s) * 1000 : 0;
}

std::string PinMismatchMessage(const std::string& url, const std::string& pin) {
  return "the server at " + url +
         " did not show the certificate this device trusts (" + PinFingerprint(pin) +
         "): it may not be your school's server, so nothing was sent. If the school "
         "replaced its certificate, enroll again with a new token from IT.";
}

// A sync in progress: one connection, the report, the record and its saving.
class SyncRun {
 public:
  SyncRun(Store& store, SyncRecord& record, const std::function<Status(const SyncRecord&)>& save,
          const ClientOptions& options)
      : store_(store),
        record_(record),
        save_(save),
        options_(options),
        connection_(ConnectionFor(record.server_url, record.pin, options)) {}

  SyncReport Run() {
    Status s = Push();
    if (s.ok()) s = Pull();
    // The server holds fewer of our ops than it once acknowledged (restored from
    // a backup): what it lost goes again.
    if (s.ok() && resend_) s = Push();
    // Files after the ops, so that a slow photo never holds back a child's work.
    if (s.ok()) s = Blobs();
    report_.requests = requests_;
    report_.bytes_sent = connection_.bytes_sent();
    report_.bytes_received = connection_.bytes_received();
    {
      auto lock = StoreLock(options_);
      report_.pending_ops = PendingOps(store_, record_);
      report_.pending_blobs = options_.blobs ? PendingBlobs(store_, record_) : 0;
    }
    if (!s.ok() && report_.outcome == SyncOutcome::kDone) {
      // A local failure (the store, the record file): nothing the server did.
      report_.outcome = SyncOutcome::kRefused;
      report_.message = "sync stopped on this device: " + s.message();
    }
    return report_;
  }

  // One GET /v1/clock: is the server there, with the pinned key, and does it
  // take the credential; and how far apart the two clocks are.
  ServerCheck CheckClock() {
    ServerCheck check;
    int64_t sent = options_.clock->NowMillis();
    auto start = std::chrono::steady_clock::now();
    Result<HttpResponse> r = Request("GET", "/v1/clock", "", {});
    check.round_trip_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - start)
                              .count();
    check.outcome = report_.outcome;
    check.message = report_.message;
    check.server_error = report_.server_error;
    check.pin_mismatch = pin_mismatch_;
    if (!r.ok()) return check;
    Result<json> j = BodyJson(*r);
    if (!j.ok() || !j->is_object() || !(*j)["server_ms"].is_number_integer()) {
      check.outcome = SyncOutcome::kRetryLater;
      check.message = "the server's answer to /v1/clock was not understood";
      return check;
    }
    // The server read its clock about half-way through the round trip.
    check.skew_ms = sent + check.round_trip_ms / 2 - (*j)["server_ms"].get<int64_t>();
    return check;
  }

 private:
  // Fails the run with `outcome` and `message`; returns a non-ok status to unwind.
  Status Fail(SyncOutcome outcome, std::string message, int64_t retry_after_ms = 0) {
    report_.outcome = outcome;
    report_.message = std::move(message);
    report_.retry_after_ms = retry_after_ms;
    return Status::FailedPrecondition(report_.message);
  }

  // One request; a non-ok status when it got no usable answer (the report says
  // why). Error answers whose code is in `handled` are returned to the caller.
  Result<HttpResponse> Request(std::string_view method, const std::string& path,
                               std::string_view body, std::vector<std::string> headers,
                               std::initializer_list<std::string_view> handled = {}) {
    headers.push_back("Authorization: Bearer " + record_.credential);
    Hlc clock;
    Pending holds;
    {
      auto lock = StoreLock(options_);
      clock = store_.clock();
      // What IT sees in `cairn-server devices`: work still on this device.
      Result<uint64_t> last = store_.LastSeq(store_.self());
      holds.seq = last.ok() ? *last : 0;
      holds.files = PendingBlobs(store_, record_);
    }
    Hlc now = std::max(clock, MakeHlc(options_.clock->NowMillis(), 0));
    headers.push_back("Cairn-Clock: " + std::to_string(now));
    headers.push_back(std::string(kPendingHeader) + ": " + FormatPending(holds));
    if (!options_.device_fingerprint.empty()) {
      headers.push_back(std::string(kFingerprintHeader) + ": " + options_.device_fingerprint);
    }
    HttpResponse response;
    TransportError error;
    ++requests_;
    if (!connection_.Send(method, path, body, headers, response, error)) {
      switch (error.failure) {
        case TransportFailure::kUnreachable:
          return Fail(SyncOutcome::kUnreachable,
                      std::string(kOfflineMessage) + " (" + record_.server_url + ": " +
                          error.message + ")");
        case TransportFailure::kPinMismatch:
          pin_mismatch_ = true;
          return Fail(SyncOutcome::kRefused, PinMismatchMessage(record_.server_url, record_.pin));
        case TransportFailure::kCancelled:
          return Fail(SyncOutcome::kCancelled, "sync stopped before it finished; " +
                                                   std::string(kOfflineMessage));
        case TransportFailure::kOther:
          return Fail(SyncOutcome::kRetryLater, "sync failed: " + error.message);
      }
    }
    if (response.status == 200 || response.status == 206) return response;
    ServerError e = ErrorOf(response);
    if (response.status == 409 && (e.code == "gap" || e.code == "conflict")) return response;
    if (std::find(handled.begin(), handled.end(), e.code) != handled.end()) return response;
    report_.server_error = e.code;
    if (response.status == 429 || response.status >= 500) {
      return Fail(SyncOutcome::kRetryLater,
                  "the server is busy (" + e.message + "); " + std::string(kOfflineMessage),
                  RetryAfterMs(response));
    }
    if (e.code == "revoked_device") {
      return Fail(SyncOutcome::kRefused,
                  "this device was revoked by the school (" + e.message +
                      "); its work stays on this device. Enroll again with a new token.");
    }
    if (e.code == kFingerprintMismatch) {
      return Fail(SyncOutcome::kRefused,
                  "the server knows this device's credential from another machine: these files "
                  "were copied from another device (" +
                      e.message +
                      "); nothing was sent. This copy must enroll again as a new device.");
    }
    if (e.code == kUnknownDevice) {
      return Fail(SyncOutcome::kRefused,
                  "the server does not know this device (" + e.message +
                      "; was it restored from a backup?). Its work stays on this device: enroll "
                      "it again with `cairnctl enroll TOKEN` (a token from IT), and the next sync "
                      "sends everything.");
    }
    return Fail(SyncOutcome::kRefused, "the server refused the sync: " + e.message);
  }

  // The caller holds the store lock.
  Status ObserveClock(const json& body) {
    auto it = body.find("clock");
    if (it == body.end() || !it->is_number_unsigned()) return Status::Ok();
    return store_.ObserveServerClock(it->get<uint64_t>());
  }

  Status Save() {
    Status s = save_(record_);
    if (!s.ok()) return Fail(SyncOutcome::kRefused, "cannot save sync progress: " + s.message());
    return s;
  }

  Status Push() {
    int stalls = 0;  // answers that moved nothing forward, in a row
    while (true) {
      if (options_.cancel && options_.cancel->load()) {
        return Fail(SyncOutcome::kCancelled, "sync stopped before it finished");
      }
      Result<std::vector<Op>> own = [&] {
        auto lock = StoreLock(options_);
        return store_.OwnOpsAfter(record_.acked, options_.push_batch_ops);
      }();
      CAIRN_ASSIGN_OR_RETURN(std::vector<Op> ops, std::move(own));
      if (ops.empty()) return Status::Ok();
      // Fewer ops until the compressed body fits the byte bound.
      std::string body;
      while (true) {
        CAIRN_ASSIGN_OR_RETURN(body, Compress(EncodeBatch(ops), Codec::kZstd));
        if (body.size() <= options_.push_batch_bytes || ops.size() == 1) break;
        ops.resize(ops.size() / 2);
      }
      CAIRN_ASSIGN_OR_RETURN(
          HttpResponse r,
          Request("POST", "/v1/push", body,
                  {"Content-Type: application/json", "Content-Encoding: zstd"}));
      Result<json> j = BodyJson(r);
      if (!j.ok() || !j->is_object() || !j->contains("acked") ||
          !(*j)["acked"].is_number_unsigned()) {
        return Fail(SyncOutcome::kRetryLater, "the server's answer to a push was not understood");
      }
      uint64_t acked = (*j)["acked"].get<uint64_t>();
      if (r.status == 409 && (*j)["error"] == "conflict") {
        return Fail(SyncOutcome::kRefused,
                    "the server already holds different ops under this device's id (" +
                        (*j).value("message", std::string()) +
                        "); this store may be a copy of another device's. Ask IT.");
      }
      {
        auto lock = StoreLock(options_);
        CAIRN_RETURN_IF_ERROR(ObserveClock(*j));
      }
      // A gap: the server has fewer (or more) of our ops than we thought; go on
      // from what it has.
      if (r.status == 200 && acked > record_.acked) {
        report_.pushed += acked - record_.acked;
        stalls = 0;
      } else if (++stalls > 3) {
        return Fail(SyncOutcome::kRefused,
                    "the server keeps refusing this device's ops from seq " +
                        std::to_string(record_.acked + 1) + " (" +
                        (*j).value("message", std::string("no progress")) + ")");
      }
      record_.acked = acked;
      CAIRN_RETURN_IF_ERROR(Save());
    }
  }

  // One page after `after` (the pull cursor, or a back-fill's), applied in one
  // step of the store with the clock it came with. `before_apply` sees the page
  // in that step, before it is applied.
  // `restart`: the server does not know the cursor (409 cursor_unknown).
  struct Page {
    std::vector<Op> ops;
    uint64_t next_cursor = 0;
    bool more = false;
    std::string at;  // the op at next_cursor, for the next page's check
    bool restart = false;
  };
  Result<Page> PullPage(uint64_t after, const std::string& query,
                        const std::function<void(const std::vector<Op>&)>& before_apply = {}) {
    if (options_.cancel && options_.cancel->load()) {
      return Fail(SyncOutcome::kCancelled, "sync stopped before it finished");
    }
    std::string path = "/v1/pull?after=" + std::to_string(after) +
                       "&limit=" + std::to_string(options_.pull_page_ops) + query;
    CAIRN_ASSIGN_OR_RETURN(HttpResponse r, Request("GET", path, "", {"Accept-Encoding: zstd, gzip"},
                                                   {"cursor_unknown"}));
    if (r.status == 409) {
      Page restart;
      restart.restart = true;
      return restart;
    }
    Result<json> j = BodyJson(r);
    Result<std::vector<Op>> ops = Status::InvalidArgument("no ops in the answer");
    if (j.ok() && j->is_object() && j->contains("ops")) ops = DecodeBatchJson((*j)["ops"], {});
    if (!ops.ok() || !(*j)["next_cursor"].is_number_unsigned() || !(*j)["more"].is_boolean()) {
      return Fail(SyncOutcome::kRetryLater,
                  "the server's answer to a pull was not understood" +
                      (ops.ok() ? std::string() : ": " + ops.status().message()));
    }
    {
      auto lock = StoreLock(options_);
      if (before_apply) before_apply(*ops);
      Result<ApplyStats> stats = store_.ApplyRemote(*ops);
      if (!stats.ok()) {
        return Fail(SyncOutcome::kRefused, "ops from the server could not be stored (" +
                                               stats.status().message() +
                                               "); nothing of that page was kept");
      }
      CAIRN_RETURN_IF_ERROR(ObserveClock(*j));
      report_.applied += stats->applied;
    }
    if (options_.state && report_.applied > applied_told_) {
      applied_told_ = report_.applied;
      options_.state->Update([](SyncState& st) { ++st.remote_changes; });
    }
    report_.pulled += ops->size();
    if (auto acked = j->find("acked"); acked != j->end() && acked->is_number_unsigned() &&
                                       acked->get<uint64_t>() < record_.acked) {
      record_.acked = acked->get<uint64_t>();
      // Files it may have lost too: each of ours is asked for again (HEAD), and
      // only those it lacks are sent.
      record_.blobs_sent_cursor = 0;
      resend_ = true;
    }
    std::string at = (*j).value("at", std::string());
    return Page{std::move(ops).value(), (*j)["next_cursor"].get<uint64_t>(),
                (*j)["more"].get<bool>(), std::move(at)};
  }

  Status Pull() {
    bool restarted = false;
    while (true) {
      const uint64_t before = record_.cursor;
      std::vector<std::string> joiners;
      std::string check;
      if (before > 0 && !record_.cursor_check.empty()) {
        check = "&check=" + QueryEscape(record_.cursor_check);
      }
      CAIRN_ASSIGN_OR_RETURN(Page page, PullPage(before, check, [&](const std::vector<Op>& ops) {
                               if (before > 0) joiners = Joiners(ops);
                             }));
      if (page.restart) {
        // The server's log is not the one our cursor is in (restored from a
        // backup): read it all again; applying what we have changes nothing.
        if (restarted) return Fail(SyncOutcome::kRetryLater, "the server keeps losing its place");
        restarted = true;
        record_.cursor = 0;
        record_.cursor_check.clear();
        record_.backfill.clear();  // reading from the start brings their history too
        CAIRN_RETURN_IF_ERROR(Save());
        continue;
      }
      // Only now that the page is committed does the cursor move past it.
      record_.cursor = page.next_cursor;
      record_.cursor_check = page.at;
      for (const std::string& learner : joiners) {
        auto same = [&](const Backfill& b) { return b.learner == learner; };
        if (std::none_of(record_.backfill.begin(), record_.backfill.end(), same)) {
          record_.backfill.push_back({learner, 0, before});
        }
      }
      CAIRN_RETURN_IF_ERROR(Save());
      if (!page.more) return Backfills();
    }
  }

  // Learners these ops enroll in one of our classes whom this device has never
  // had: they joined after our cursor had passed their history, which the
  // server's filter did not send then. Their ops up to where the cursor stood are
  // fetched by themselves (after it, the regular pull has them: it filters by the
  // classes as they are when it is asked). A store step, before the page is applied.
  std::vector<std::string> Joiners(const std::vector<Op>& ops) {
    std::vector<std::string> out;
    for (const Op& op : ops) {
      if (op.kind != "enrollment" || !op.body.value("active", true)) continue;
      std::string cls = op.body.value("class", ""), learner = op.body.value("learner", "");
      if (std::find(record_.classes.begin(), record_.classes.end(), cls) == record_.classes.end()) {
        continue;
      }
      Result<std::optional<json>> known = store_.Entity("learner", learner);
      if (known.ok() && !*known) out.push_back(learner);
    }
    return out;
  }

  // Each joiner's history, page by page; the record keeps how far each got.
  Status Backfills() {
    while (!record_.backfill.empty()) {
      Backfill& b = record_.backfill.front();
      std::string query = "&learner=" + QueryEscape(b.learner) + "&upto=" + std::to_string(b.upto);
      while (b.after < b.upto) {
        Result<Page> page = PullPage(b.after, query);
        if (!page.ok()) return page.status();
        b.after = page->more ? page->next_cursor : b.upto;
        CAIRN_RETURN_IF_ERROR(Save());
      }
      record_.backfill.erase(record_.backfill.begin());
      CAIRN_RETURN_IF_ERROR(Save());
    }
    return Status::Ok();
  }

  Status Cancelled() {
    if (options_.cancel && options_.cancel->load()) {
      return Fail(SyncOutcome::kCancelled, "sync stopped before it finished");
    }
    return Status::Ok();
  }

  // --- Blobs (PROTOCOL.md, "Blobs") ------------------------------------------
  // The next 100 files named after `cursor`: a store step.
  Result<std::vector<BlobRef>> BlobRefsAfter(uint64_t cursor, bool own) {
    auto lock = StoreLock(options_);
    return store_.BlobRefsAfter(cursor, 100, own);
  }

  Status Blobs() {
    if (!options_.blobs) return Status::Ok();
    if (!options_.blobs_allowed) {
      report_.blobs_waited = true;
      auto lock = StoreLock(options_);
      report_.missing_blobs = MissingBlobs(store_, *options_.blobs, record_);
      return Status::Ok();
    }
    CAIRN_RETURN_IF_ERROR(UploadBlobs());
    return DownloadBlobs();
  }

  // The files our acknowledged ops name, in commit order; the cursor moves past
  // each one the server has whole.
  Status UploadBlobs() {
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(std::vector<BlobRef> refs,
                             BlobRefsAfter(record_.blobs_sent_cursor, /*own=*/true));
      if (refs.empty()) return Status::Ok();
      for (const BlobRef& ref : refs) {
        // The server accepts a file only once the op naming it is there.
        if (ref.op.seq > record_.acked) return Status::Ok();
        CAIRN_RETURN_IF_ERROR(UploadBlob(ref));
        record_.blobs_sent_cursor = ref.cursor;
        CAIRN_RETURN_IF_ERROR(Save());
      }
    }
  }

  Status UploadBlob(const BlobRef& ref) {
    BlobStore& blobs = *options_.blobs;
    if (!blobs.Has(ref.sha256)) {
      // Removed from this device by hand: nothing can send it any more; the op
      // stays, and the devices that fetch it will find it missing.
      return Status::Ok();
    }
    const std::string path = "/v1/blobs/" + ref.sha256;
    // Resume from what the server holds (a cut upload, another device's copy).
    CAIRN_ASSIGN_OR_RETURN(HttpResponse head, Request("HEAD", path, "", {}));
    uint64_t offset = HeaderNumber(head, "upload-offset").value_or(0);
    bool restarted = false;
    while (offset < ref.size) {
      CAIRN_RETURN_IF_ERROR(Cancelled());
      CAIRN_ASSIGN_OR_RETURN(std::string chunk,
                             blobs.Read(ref.sha256, offset, options_.blob_chunk_bytes));
      if (chunk.empty()) {
        return Fail(SyncOutcome::kRefused, "the file " + ref.sha256 + " on this device is shorter (" +
                                               std::to_string(offset) + " bytes) than its op says");
      }
      sync::ContentRange part{offset, offset + chunk.size() - 1, ref.size};
      CAIRN_ASSIGN_OR_RETURN(
          HttpResponse r,
          Request("PUT", path, chunk,
                  {"Content-Type: application/octet-stream",
                   "Content-Range: " + sync::FormatContentRange(part)},
                  {"offset", "hash_mismatch"}));
      Result<json> j = BodyJson(r);
      if (!j.ok() || !j->is_object() || !(*j)["received"].is_number_unsigned()) {
        return Fail(SyncOutcome::kRetryLater, "the server's answer to an upload was not understood");
      }
      if (r.status == 400) {  // hash_mismatch: the server discarded what it had
        if (restarted) {
          return Fail(SyncOutcome::kRefused,
                      "the server keeps finding the file " + ref.sha256 +
                          " damaged; the copy on this device may be bad");
        }
        restarted = true;
      }
      offset = (*j)["received"].get<uint64_t>();
    }
    ++report_.blobs_sent;
    return Status::Ok();
  }

  // The files any op here names, in commit order; the cursor moves past those
  // that are here, up to the first one the server does not have yet.
  Status DownloadBlobs() {
    uint64_t scanned = record_.blobs_fetched_cursor;
    bool all_here = true;  // every file named up to `scanned` is here
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(std::vector<BlobRef> refs, BlobRefsAfter(scanned, /*own=*/false));
      if (refs.empty()) return Status::Ok();
      for (const BlobRef& ref : refs) {
        scanned = ref.cursor;
        CAIRN_ASSIGN_OR_RETURN(bool here, DownloadBlob(ref));
        if (!here) {
          ++report_.missing_blobs;
          all_here = false;
        }
        if (all_here) record_.blobs_fetched_cursor = ref.cursor;
      }
      CAIRN_RETURN_IF_ERROR(Save());
    }
  }

  // True when the blob is here (now or already); false when the server cannot
  // give it yet (its device has not uploaded it).
  Result<bool> DownloadBlob(const BlobRef& ref) {
    BlobStore& blobs = *options_.blobs;
    const std::string path = "/v1/blobs/" + ref.sha256;
    bool restarted = false;
    while (!blobs.Has(ref.sha256)) {
      CAIRN_RETURN_IF_ERROR(Cancelled());
      CAIRN_ASSIGN_OR_RETURN(uint64_t have, blobs.Received(ref.sha256));
      CAIRN_ASSIGN_OR_RETURN(
          HttpResponse r,
          Request("GET", path, "", {"Range: bytes=" + std::to_string(have) + "-"},
                  {"not_uploaded", "not_found", "forbidden", "range_not_satisfiable"}));
      // Not there yet, or no longer ours to see (the learner left the class).
      if (r.status == 404 || r.status == 403) return false;
      std::optional<sync::ContentRange> part;
      if (auto it = r.headers.find("content-range"); it != r.headers.end()) {
        part = sync::ParseContentRange(it->second);
      }
      if (r.status == 200 && !r.body.empty()) {
        part = sync::ContentRange{0, r.body.size() - 1, r.body.size()};
      }
      bool fits = part && part->first == have && part->size == ref.size &&
                  part->length() == r.body.size();
      Result<uint64_t> got = fits ? blobs.Append(ref.sha256, ref.size, have, r.body)
                                  : Result<uint64_t>(Status::Corruption("not the range asked for"));
      if (!got.ok()) {
        if (got.status().code() != Status::Code::kCorruption) return got.status();
        // What we hold does not fit the server's file: start again, once.
        CAIRN_RETURN_IF_ERROR(blobs.DropPartial(ref.sha256));
        if (restarted) {
          return Fail(SyncOutcome::kRetryLater,
                      "the server's copy of file " + ref.sha256 + " does not match its SHA-256");
        }
        restarted = true;
      }
    }
    ++report_.blobs_received;
    return true;
  }

  static std::optional<uint64_t> HeaderNumber(const HttpResponse& r, const std::string& name) {
    auto it = r.headers.find(name);
    return it == r.headers.end() ? std::nullopt : ParseU64(it->second);
  }

  Store& store_;
  SyncRecord& record_;
  const std::function<Status(const SyncRecord&)>& save_;
  const ClientOptions& options_;
  HttpConnection connection_;
  SyncReport report_;
  size_t requests_ = 0;
  size_t applied_told_ = 0;  // report_.applied when options_.state last heard of it
  bool pin_mismatch_ = false;
  bool resend_ = false;  // a pull said the server lost ops it had acknowledged
};

SyncPhase PhaseOf(SyncOutcome outcome) {
  switch (outcome) {
    case SyncOutcome::kDone:
      return SyncPhase::kUpToDate;
    case SyncOutcome::kRefused:
      return SyncPhase::kError;
    case SyncOutcome::kUnreachable:
    case SyncOutcome::kRetryLater:
    case SyncOutcome::kCancelled:
      break;
  }
  return SyncPhase::kOffline;
}

}  // namespace

uint64_t PendingBlobs(const Store& store, const SyncRecord& record) {
  Result<uint64_t> n = store.CountBlobRefsAfter(record.blobs_sent_cursor, true);
  return n.ok() ? *n : 0;
}

uint64_t MissingBlobs(const Store& store, const BlobStore& blobs, const SyncRecord& record) {
  uint64_t missing = 0;
  uint64_t cursor = record.blobs_fetched_cursor;
  while (true) {
    Result<std::vector<BlobRef>> refs = store.BlobRefsAfter(cursor, 500, false);
    if (!refs.ok() || refs->empty()) return missing;
    for (const BlobRef& ref : *refs) missing += blobs.Has(ref.sha256) ? 0 : 1;
    cursor = refs->back().cursor;
  }
}

uint64_t PendingOps(const Store& store, const SyncRecord& record) {
  Result<uint64_t> last = store.LastSeq(store.self());
  if (!last.ok()) return 0;
  return *last > record.acked ? *last - record.acked : 0;
}

ClientOptions ClientOptionsFrom(const Config& config) {
  ClientOptions options;
  options.max_send_bytes_per_s = static_cast<int64_t>(config.ByteRate("network.max_send_rate"));
  options.max_recv_bytes_per_s = static_cast<int64_t>(config.ByteRate("network.max_recv_rate"));
  return options;
}

ServerCheck CheckServer(Store& store, const SyncRecord& record, const ClientOptions& options) {
  SyncRecord copy = record;  // nothing is saved: the check only looks
  std::function<Status(const SyncRecord&)> no_save = [](const SyncRecord&) { return Status::Ok(); };
  return SyncRun(store, copy, no_save, options).CheckClock();
}

Result<SyncRecord> Enroll(const EnrollRequest& request, const Origin& origin,
                          const ClientOptions& options, std::string* server_error) {
  if (server_error) server_error->clear();
  SyncRecord record;
  json body = {{"origin", origin.Hex()}, {"name", request.name}};
  if (!options.device_fingerprint.empty()) body["fingerprint"] = options.device_fingerprint;
  std::string text = request.token_or_code;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.starts_with("cairn1.")) {
    CAIRN_ASSIGN_OR_RETURN(sync::EnrollmentToken token, sync::ParseToken(text));
    record.server_url = token.url;
    record.pin = token.pin;
    body["token"] = token.secret;
  } else if (sync::LooksLikeJoinCode(text)) {
    if (request.server_url.empty()) {
      return Status::InvalidArgument(
          "a join code needs the server's address too: add --server https://HOST:PORT");
    }
    record.server_url = request.server_url;
    body["join_code"] = text;
  } else {
    return Status::InvalidArgument(
        "\"" + text.substr(0, 40) + (text.size() > 40 ? "…" : "") +
        "\" is neither an enrollment token (it starts with cairn1.) nor a join code "
        "(8 letters and digits, like K7QM-2XPD); check what IT gave you");
  }
  if (!record.server_url.starts_with("https://") && !record.server_url.starts_with("http://")) {
    return Status::InvalidArgument("the server address must start with https://, got \"" +
                                   record.server_url + "\"");
  }
  if (record.server_url.starts_with("http://")) record.pin.clear();
  HttpConnection connection(ConnectionFor(record.server_url, record.pin, options));
  HttpResponse r;
  TransportError error;
  if (!connection.Send("POST", "/v1/enroll", body.dump(), {"Content-Type: application/json"}, r,
                       error)) {
    switch (error.failure) {
      case TransportFailure::kPinMismatch:
        return Status::FailedPrecondition(PinMismatchMessage(record.server_url, record.pin));
      case TransportFailure::kUnreachable:
        return Status::IoError("cannot reach the server at " + record.server_url + " (" +
                               error.message +
                               "); check the address and the network, then try again");
      default:
        return Status::IoError("enrollment failed: " + error.message);
    }
  }
  if (r.status != 200) {
    ServerError e = ErrorOf(r);
    if (server_error) *server_error = e.code;
    if (r.status == 429 || r.status >= 500) {
      return Status::IoError("the server is busy (" + e.message + "); try again in a minute");
    }
    return Status::FailedPrecondition("the server refused to enroll this device: " + e.message);
  }
  if (record.server_url.starts_with("https://") && record.pin.empty()) {
    // Trust on first use: the key this server showed is the one trusted from now on.
    record.pin = connection.seen_pin();
    if (record.pin.size() != 32) {
      return Status::FailedPrecondition("the server's certificate could not be read");
    }
  }
  Result<json> j = BodyJson(r);
  try {
    if (!j.ok()) return j.status();
    record.device = j->at("device").get<std::string>();
    record.credential = j->at("credential").get<std::string>();
    record.role = j->at("role").get<std::string>();
    record.classes = j->at("classes").get<std::vector<std::string>>();
    CAIRN_ASSIGN_OR_RETURN(record.server_origin,
                           Origin::FromHex(j->at("server_origin").get<std::string>()));
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("the server's enrollment answer was not understood: ") +
                                   e.what());
  }
  record.enrolled_ms = options.clock->NowMillis();
  return record;
}

SyncReport Sync(Store& store, SyncRecord& record,
                const std::function<Status(const SyncRecord&)>& save,
                const ClientOptions& options) {
  auto publish = [&](SyncPhase phase, const std::string& message) {
    if (!options.state) return;
    uint64_t pending, pending_blobs = 0, missing_blobs = 0;
    {
      auto lock = StoreLock(options);
      pending = PendingOps(store, record);
      if (options.blobs) {
        pending_blobs = PendingBlobs(store, record);
        missing_blobs = MissingBlobs(store, *options.blobs, record);
      }
    }
    options.state->Update([&](SyncState& s) {
      s.phase = phase;
      s.message = message;
      s.last_sync_ms = record.last_sync_ms;
      s.pending_ops = pending;
      s.acked = record.acked;
      if (options.blobs) {
        s.pending_blobs = pending_blobs;
        s.missing_blobs = missing_blobs;
      }
      s.blobs_wait_for_unmetered = options.blobs && !options.blobs_allowed;
    });
  };
  record.last_attempt_ms = options.clock->NowMillis();
  publish(SyncPhase::kSyncing, "");
  SyncReport report = SyncRun(store, record, save, options).Run();
  if (report.ok() && report.blobs_waited && report.pending_blobs > 0) {
    report.message = std::to_string(report.pending_blobs) +
                     (report.pending_blobs == 1 ? " file waits" : " files wait") +
                     " for a network that is not metered; this device's work is synced";
  }
  if (report.ok()) record.last_sync_ms = options.clock->NowMillis();
  record.last_error = report.ok() ? "" : report.message;
  if (report.outcome != SyncOutcome::kUnreachable && report.outcome != SyncOutcome::kCancelled) {
    record.last_server_error = report.server_error;  // the server answered
  }
  Status saved = save(record);
  if (!saved.ok() && report.ok()) {
    report.outcome = SyncOutcome::kRefused;
    report.message = "cannot save sync progress: " + saved.message();
  }
  publish(PhaseOf(report.outcome), report.message);
  return report;
}

SyncReport SyncRound(Store& store, SyncRecord& record, const std::filesystem::path& record_file,
                     const NetworkPolicy& policy, const ClientOptions& options) {
  // No separate reachability probe: the sync's own connection is the probe. A
  // server that cannot be reached fails its connect just as fast (kUnreachable),
  // and one that can is not made to wait a round trip more (300 ms on a poor
  // school link: bench_sync_netem).
  SyncAllowance allowed = DecideSync(/*reachable=*/true, NetworkManagerMetered(), policy);
  if (!allowed.ops) {
    SyncReport offline;
    offline.outcome = SyncOutcome::kUnreachable;
    offline.message =
        std::string(kOfflineMessage) + " (" + record.server_url + ": " + allowed.reason + ")";
    {
      auto lock = StoreLock(options);
      offline.pending_ops = PendingOps(store, record);
    }
    record.last_attempt_ms = options.clock->NowMillis();
    record.last_error = offline.message;
    if (Status s = SaveSyncRecord(record_file, record); !s.ok()) {
      offline.outcome = SyncOutcome::kRefused;
      offline.message = "cannot save sync progress: " + s.message();
    }
    if (options.state) {
      options.state->Update([&](SyncState& st) {
        st.phase = PhaseOf(offline.outcome);
        st.message = offline.message;
        st.last_sync_ms = record.last_sync_ms;
        st.pending_ops = offline.pending_ops;
        st.acked = record.acked;
      });
    }
    return offline;
  }
  // Files after the ops, only on a link that is not metered (DESIGN.md, "When").
  ClientOptions round = options;
  round.blobs_allowed = allowed.blobs;
  SyncReport report = Sync(
      store, record, [&](const SyncRecord& r) { return SaveSyncRecord(record_file, r); }, round);
  if (report.blobs_waited) report.blobs_wait_reason = allowed.reason;
  return report;
}

}  // namespace cairn::sync
