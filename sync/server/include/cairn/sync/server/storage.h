// The school server's storage, behind one interface so that a PostgreSQL backend
// (districts, a later issue) slots in without touching the handlers.
//
// Two kinds of data live here:
// - the op log: every op of every device plus the server-owned ops (schools,
//   classes, learners, enrollments, packs) that the server authors with its own
//   origin, and the last-writer-wins state materialized from them;
// - the server's own tables: enrollment tokens, devices and their credentials
//   (only SHA-256 hashes of secrets are stored), revocation.
//
// Thread safety: none. A ServerStorage belongs to one thread, the server's single
// writer (sync/PROTOCOL.md, "Server"); reads for pulls go through it too.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/agent/blob_store.h"
#include "cairn/agent/hlc.h"
#include "cairn/agent/op.h"
#include "cairn/agent/store.h"
#include "cairn/platform/clock.h"
#include "cairn/platform/origin.h"
#include "cairn/platform/status.h"

namespace cairn::server {

enum class DeviceRole { kStudentDevice, kTeacherDevice };
// "student-device", "teacher-device".
std::string_view RoleName(DeviceRole role);
std::optional<DeviceRole> RoleFromName(std::string_view name);

// A SHA-256 digest (32 raw bytes) of a secret: what the server keeps of tokens,
// join codes and credentials.
using SecretHash = std::string;

struct TokenRecord {
  int64_t id = 0;
  DeviceRole role = DeviceRole::kStudentDevice;
  std::vector<std::string> classes;  // the scope given to devices enrolled with it
  int64_t created_ms = 0;
  int64_t expires_ms = 0;  // 0 = never
  bool revoked = false;
  int64_t uses = 0;  // devices enrolled with it
};

struct DeviceRecord {
  int64_t id = 0;  // shown as "d<id>"
  Origin origin;   // the only origin this device may write
  DeviceRole role = DeviceRole::kStudentDevice;
  std::vector<std::string> classes;
  std::string name;  // what the device said it is (hostname), for people
  int64_t token = 0;
  int64_t enrolled_ms = 0;
  int64_t last_sync_ms = 0;   // 0 = never synced
  uint64_t acked = 0;         // highest seq of its origin stored here
  int64_t clock_skew_ms = 0;  // device wall clock minus ours, at its last request
  bool revoked = false;
  // The machine fingerprint its credential is bound to (64 hex digits; "" until
  // the device sends one). PROTOCOL.md, "A credential on another machine".
  std::string fingerprint;
  // What the device said it holds (the Cairn-Pending header, PROTOCOL.md): its
  // highest own seq, and files it has not uploaded yet. reported_seq past
  // `acked` is work still on the device.
  uint64_t reported_seq = 0;
  uint64_t pending_files = 0;
  bool reported = false;  // it has sent the header at least once

  std::string Label() const { return "d" + std::to_string(id); }
};

// How much of a blob the server holds (blob_store.h).
struct BlobState {
  uint64_t received = 0;  // bytes held: the size when complete
  bool complete = false;  // the whole blob, checked against its SHA-256
};

struct PushOutcome {
  uint64_t acked = 0;  // the highest seq of the origin now stored
  ApplyStats stats;
};

// What a scoped pull reads: the scope is decided by the caller (scope.h).
struct ScanPage {
  std::vector<Op> ops;
  uint64_t next_cursor = 0;
  bool more = false;
};

class ServerStorage;

// What a read-only view (OpenSqliteReader) takes from the storage that writes.
struct ReaderHooks {
  // The writer's clock as of its last group (any thread): the view's Clock().
  std::function<Hlc()> clock;
  // Runs a bookkeeping write (RecordSync, RecordPending) on the writer, later;
  // the view's call returns at once.
  std::function<void(std::function<void(ServerStorage&)>)> write_later;
  // Runs a write (BindFingerprint) on the writer and returns once its group
  // ended: the device's next request must find the credential bound.
  std::function<Status(std::function<Status(ServerStorage&)>)> write_now;
};

class ServerStorage {
 public:
  virtual ~ServerStorage() = default;

  // --- The op log ----------------------------------------------------------------
  // The server's own origin: the author of every server-owned op.
  virtual const Origin& server_origin() const = 0;
  // The server's clock: a hybrid stamp at or after every stamp it issued or stored.
  virtual Hlc Clock() = 0;
  // Appends server-owned ops (admin commands), all in one transaction or none.
  virtual Result<std::vector<OpId>> AppendServerOps(
      const std::vector<std::pair<std::string, nlohmann::json>>& ops) = 0;
  // Applies one push batch of `origin`'s ops in one transaction and returns the
  // new acknowledged seq. The caller has authorized every op. The log of an origin
  // stays dense: when the batch's new ops do not start right after the stored ones
  // or leave a hole, nothing is stored and the error is kFailedPrecondition whose
  // message starts with "gap". An op whose id is stored with different content is
  // kInvalidArgument (two installs sharing one origin); nothing is stored.
  virtual Result<PushOutcome> ApplyPush(const Origin& origin, const std::vector<Op>& ops) = 0;
  // The highest seq of `origin` stored (0 when none).
  virtual Result<uint64_t> Acked(const Origin& origin) = 0;
  // Ops committed after `cursor` in commit order; `limit` ops at most.
  virtual Result<ScanPage> OpsAfter(uint64_t cursor, size_t limit) = 0;
  // What a pull for a device whose classes hold `learners` reads: the ops after
  // `cursor` other than evidence about learners not in `learners` (a superset of
  // what the device may see: the caller filters by scope), `limit` at most. The
  // page is whole up to its next_cursor. Its cost follows what the device can
  // see, not the size of the log.
  virtual Result<ScanPage> OpsConcerning(const std::set<std::string>& learners, uint64_t cursor,
                                         size_t limit) = 0;
  virtual Result<std::optional<Op>> FindOp(const OpId& id) = 0;
  // The op at a pull cursor (Store::OpIdAt): what a device's cursor is checked by.
  virtual Result<std::optional<OpId>> OpIdAt(uint64_t cursor) = 0;
  // The current fields of a last-writer-wins entity; nullopt when never written.
  virtual Result<std::optional<nlohmann::json>> Entity(std::string_view kind,
                                                       std::string_view key) = 0;
  // Learners enrolled in any of `classes`: active enrollments only, or also those
  // that ended (`include_inactive`).
  virtual Result<std::set<std::string>> LearnersOf(const std::vector<std::string>& classes,
                                                   bool include_inactive) = 0;
  virtual Result<StoreStats> LogStats() = 0;
  // Equal on replicas holding the same ops (Store::Digest).
  virtual Result<std::string> Digest() = 0;
  // The agent's Store, for agent functions that take one (pack import). Backends
  // that do not keep one return nullptr.
  virtual Store* AgentStore() = 0;

  // --- Blobs: artifact and pack files, named by SHA-256 (64 hex digits) -------
  virtual Result<BlobState> Blob(std::string_view sha256) = 0;
  // Appends a chunk of an upload by `device`, as BlobStore::Append: `offset`
  // must be what is held (else kFailedPrecondition, nothing written); the
  // complete bytes are checked against the hash, and a mismatch is discarded,
  // all of it (kCorruption). The blob counts toward `device`'s quota
  // (BlobBytesOf) from its first chunk, at its full `size`.
  virtual Result<BlobState> AppendBlob(std::string_view sha256, uint64_t size, uint64_t offset,
                                       std::string_view bytes, int64_t device) = 0;
  // At most `max` bytes of a complete blob from `offset` (kNotFound when not complete).
  virtual Result<std::string> ReadBlob(std::string_view sha256, uint64_t offset, size_t max) = 0;
  // Stores a whole blob the server authors itself (a published pack file).
  virtual Result<BlobFile> PutBlob(std::string_view bytes) = 0;
  // Bytes of the blobs `device` uploaded or is uploading: what its quota counts.
  virtual Result<uint64_t> BlobBytesOf(int64_t device) = 0;
  // The ops that name blob `sha256` (artifacts, packs), oldest first.
  virtual Result<std::vector<Op>> OpsNamingBlob(std::string_view sha256) = 0;

  // --- Tokens and devices ------------------------------------------------------
  // Records a token; `secret_hash` and `join_hash` must be unique.
  virtual Result<TokenRecord> CreateToken(const TokenRecord& token, const SecretHash& secret_hash,
                                          const SecretHash& join_hash) = 0;
  // The token whose secret or join code hashes to `hash`; nullopt when none.
  virtual Result<std::optional<TokenRecord>> FindToken(const SecretHash& hash) = 0;
  virtual Result<std::vector<TokenRecord>> ListTokens() = 0;
  // Records a new device enrolled with `token`. An origin already held by a
  // device that has synced is refused (kFailedPrecondition); one held by a device
  // that never synced (a lost enroll response) is handed over to the new one.
  virtual Result<DeviceRecord> EnrollDevice(const DeviceRecord& device,
                                            const SecretHash& credential_hash) = 0;
  // The device whose credential hashes to `hash`, revoked or not; nullopt when none.
  virtual Result<std::optional<DeviceRecord>> FindDevice(const SecretHash& credential_hash) = 0;
  virtual Result<std::optional<DeviceRecord>> DeviceById(int64_t id) = 0;
  virtual Result<std::vector<DeviceRecord>> ListDevices() = 0;
  // kNotFound when there is no such device.
  virtual Status RevokeDevice(int64_t id) = 0;
  // Binds device `id`'s credential to `fingerprint` unless it is bound already.
  virtual Status BindFingerprint(int64_t id, std::string_view fingerprint) = 0;
  // What the device says it holds (DeviceRecord::reported_seq, pending_files);
  // the seq never goes back.
  virtual Status RecordPending(int64_t id, uint64_t seq, uint64_t files) = 0;
  // One of its files arrived whole: one fewer waits.
  virtual Status RecordFileReceived(int64_t id) = 0;
  // After a request of the device: when, its acked seq, its clock skew.
  // Neither the time nor `acked` goes back (a pull read before a push's commit
  // may be recorded after it); nullopt `acked` leaves it as it is.
  virtual Status RecordSync(int64_t id, int64_t now_ms, std::optional<uint64_t> acked,
                            int64_t skew_ms) = 0;

  // --- Group commit (the writer, sync/server/writer.h) -------------------------
  // Between BeginGroup and CommitGroup every write above runs as its own
  // savepoint of one transaction per file: an ApplyPush (or an enrollment) that
  // fails is undone alone and the others of the group stay, but nothing is
  // durable until CommitGroup returns ok. A failed CommitGroup, or AbortGroup,
  // leaves nothing of the group's op log writes stored.
  virtual Status BeginGroup() = 0;
  virtual Status CommitGroup() = 0;
  virtual void AbortGroup() = 0;

  // A read-only view beside this storage, for a thread of its own
  // (OpenSqliteReader); kNotSupported where the backend has none (pulls then run
  // on the writer).
  virtual Result<std::unique_ptr<ServerStorage>> OpenReader(ReaderHooks hooks) {
    (void)hooks;
    return Status::NotSupported("this storage has no read-only view");
  }

  // --- Settings (key/value, for the CLI: the public URL, ...) ----------------
  virtual Result<std::optional<std::string>> Setting(std::string_view key) = 0;
  virtual Status SetSetting(std::string_view key, std::string_view value) = 0;
};

struct SqliteStorageOptions {
  std::filesystem::path dir;  // created when missing (mode 0700)
  const cairn::Clock* clock = &SystemClock();
  bool synchronous_full = true;  // NORMAL only for benchmarks
};

// The school-size backend: SQLite files in `dir`.
// - ops.db: a cairn::Store in server mode (the op log and its materialized state),
//   so the server reads and merges ops exactly as devices do;
// - server.db: tokens, devices, settings, who uploaded which blob;
// - blobs/: the blobs' bytes (blob_store.h).
// Two files rather than one because Store owns its file's schema and migrations;
// the cost is that a push commits in ops.db and then records the device's acked
// seq in server.db: a crash between the two leaves server.db's copy behind, which
// is only a display value (Acked() reads ops.db, the authority).
// kBusy when another process (a running server) holds ops.db.
Result<std::unique_ptr<ServerStorage>> OpenSqliteStorage(const SqliteStorageOptions& options);

// A read-only view of the data in `dir` beside the storage that OpenSqliteStorage
// opened on it in this process: a pull reader, on a thread of its own, so pulls
// do not queue behind the writer's pushes. Its BeginGroup..CommitGroup is a
// snapshot (nothing is committed); reads between them agree with each other.
// RecordSync and RecordPending go to `hooks.write_later`, BindFingerprint to
// `hooks.write_now`;
// other writes fail.
Result<std::unique_ptr<ServerStorage>> OpenSqliteReader(const SqliteStorageOptions& options,
                                                        ReaderHooks hooks);

// Revokes device `id` in `dir`/server.db alone, without taking ops.db: works
// while `cairn-server serve` runs on the same directory (server.db is in WAL
// mode; the server reads a device's record, revoked or not, on every request, so
// its next request gets 401 revoked_device). kNotFound when there is no such
// device; kBusy when server.db stays locked for more than a few seconds.
Status RevokeDeviceBesideServer(const std::filesystem::path& dir, int64_t id);

}  // namespace cairn::server
