// enroll, sync, and the sync lines of `status`: this device and its school server.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "cairn/agent/blob_store.h"
#include "cairn/platform/config.h"
#include "cairn/platform/network.h"
#include "cairn/sync/client/client.h"
#include "cairn/sync/client/device_identity.h"
#include "cairn/sync/client/device_sync.h"
#include "cairn/sync/client/sync_loop.h"
#include "cairn/sync/client/sync_record.h"
#include "cairn/sync/enrollment_token.h"
#include "commands.h"
#include "human.h"
#include "image.h"
#include "session.h"
#include "sync_status.h"

namespace cairn::cli {
namespace {

std::atomic<bool> interrupted{false};

void OnSignal(int) { interrupted = true; }

std::string Classes(const std::vector<std::string>& classes) {
  std::string out;
  for (const std::string& c : classes) out += (out.empty() ? "" : ", ") + c;
  return out;
}

// What sync and enroll work with: the configuration (installers/README.md),
// with the command's flags overriding it.
struct SyncSetup {
  Config config = Config::Load(DefaultConfigSources());
  sync::DeviceSyncSettings device = sync::DeviceSyncSettingsFrom(config);
};

// This device with the school server.
Status EnrollDevice(const Args& args) {
  if (args.All("what").size() != 1) {
    return UsageError(
        "give one enrollment token or join code (or learners with --class CLASS to enroll "
        "them in a class)");
  }
  CAIRN_ASSIGN_OR_RETURN(Paths paths, ResolvePaths());
  std::filesystem::path record_file = sync::SyncRecordFile(paths.data);
  CAIRN_ASSIGN_OR_RETURN(std::optional<sync::SyncRecord> existing,
                         sync::LoadSyncRecord(record_file));
  // A credential the server said it does not know (restored from an older
  // backup) is dead: enrolling again replaces it, under the same origin.
  if (existing && existing->last_server_error != sync::kUnknownDevice) {
    return Status::FailedPrecondition("this device is already enrolled (" + existing->device +
                                      " with " + existing->server_url +
                                      "); `cairnctl status` shows it");
  }
  // The device's origin: the store's when it has one, else a new one that the
  // store takes once the server has said yes (nothing is created before that).
  Origin origin = Origin::Random();
  bool have_store = std::filesystem::exists(sync::StoreFile(paths.data));
  if (have_store) {
    CAIRN_ASSIGN_OR_RETURN(Session session, CreateSession());
    if (session.store->initialized()) {
      if (session.store->mode() == StoreMode::kStandalone) {
        return Status::FailedPrecondition(
            "this store (" + session.store_file.string() +
            ") is a standalone classroom with its own roster; a school server cannot take it "
            "over. Enroll with a new CAIRN_HOME, or move that file aside first.");
      }
      origin = session.store->self();
    }
  }
  SyncSetup setup;
  sync::EnrollRequest request{args.Get1("what"),
                              args.Get("server", setup.config.Value("server_url")),
                              args.Get("name", sync::DeviceName())};
  Result<sync::SyncRecord> enrolled = sync::Enroll(request, origin, setup.device.options);
  if (!enrolled.ok()) {
    if (enrolled.status().code() == Status::Code::kIoError) {
      return Status::Unavailable(enrolled.status().message());
    }
    return enrolled.status();
  }
  sync::SyncRecord& record = *enrolled;
  if (existing && record.server_origin != existing->server_origin) {
    return Status::FailedPrecondition(
        "the server at " + record.server_url +
        " is not the school server this device synced "
        "with (it is " +
        record.server_origin.Hex() + ", this device's is " + existing->server_origin.Hex() +
        "): a new server, not one restored from a backup. "
        "Nothing was changed on this device. To move it to the new server, move " +
        paths.data.string() + " aside and enroll again (its unsent work is in the old store)");
  }
  CAIRN_ASSIGN_OR_RETURN(Session session, CreateSession());
  Store& store = *session.store;
  CAIRN_RETURN_IF_ERROR(sync::AdoptEnrollment(store, session.paths.data, origin, record));
  const bool from_token = request.token_or_code.starts_with("cairn1.");
  std::cout << (existing ? "Enrolled this device again with " : "Enrolled this device with ")
            << record.server_url << " as " << record.device << " (" << record.role << ", classes "
            << Classes(record.classes) << ").\n";
  if (!record.pin.empty()) {
    std::cout << "  server certificate  " << sync::PinFingerprint(record.pin) << "\n"
              << (from_token ? "  (the pin came with the token)\n"
                             : "  (trusted on first use: compare it with the one IT shows)\n");
  }
  std::cout << "  device              " << origin.Hex() << "\n"
            << (existing ? "Next: `cairnctl sync` sends everything this device holds (the "
                           "server skips what it has) and fetches what is new.\n"
                         : "Next: `cairnctl sync` fetches the roster and content.\n");
  return Status::Ok();
}

// `enroll`: learners in a class (a standalone classroom's roster) with --class,
// else this device with the school server.
Status Enroll(const Args& args) {
  if (args.Has("class")) {
    if (args.Has("server") || args.Has("name")) {
      return UsageError("--class enrolls learners in a class; --server and --name go with a token");
    }
    return EnrollLearners(args.All("what"), args.Get("class"), args.Has("remove"));
  }
  if (args.Has("remove")) return UsageError("--remove goes with --class CLASS");
  return EnrollDevice(args);
}

// One round of the device (sync/client/device_sync.h, as the app's sync thread
// runs it) with `options` (setup.device.options for this round).
Result<sync::SyncReport> SyncOnce(const SyncSetup& setup, const sync::ClientOptions& options) {
  Result<Session> opened = OpenSession();
  if (!opened.ok() && opened.status().code() == Status::Code::kNotFound &&
      !sync::ReadEnrollmentToken(setup.device.token_file).empty()) {
    // A fresh install with IT's token: the store is created here and becomes an
    // enrolled device in the round, as the app does at its first start.
    opened = CreateSession();
  }
  CAIRN_ASSIGN_OR_RETURN(Session session, std::move(opened));
  CAIRN_ASSIGN_OR_RETURN(std::optional<sync::SyncRecord> record,
                         sync::LoadSyncRecord(sync::SyncRecordFile(session.paths.data)));
  // Files after the ops, only on a link that is not metered (SyncRound decides).
  BlobStore blobs(BlobStoreDir(session.paths.data));
  sync::ClientOptions with_blobs = options;
  with_blobs.blobs = &blobs;
  Result<sync::SyncReport> report = sync::DeviceSyncRound(
      *session.store, session.paths.data, record, setup.device, with_blobs,
      [](sync::DeviceEvent event, const std::string& note) {
        (event == sync::DeviceEvent::kEnrolled ? std::cout : std::cerr)
            << (event == sync::DeviceEvent::kEnrolled ? "" : "cairnctl: ") << note << "\n";
      });
  if (!record && report.status().code() == Status::Code::kFailedPrecondition) {
    // Not enrolled, and no token to enroll with.
    return Status::FailedPrecondition(
        report.status().message() +
        "; run `cairnctl enroll TOKEN` (or a join code with --server URL) first");
  }
  return report;
}

// What is still to go, for the end of a sentence: " (3 ops of this device not yet sent)".
std::string Waiting(const sync::SyncReport& r) {
  return r.pending_ops ? " (" + Count(r.pending_ops, "op") + " of this device not yet sent)" : "";
}

std::string Summary(const sync::SyncReport& r) {
  std::string files;
  if (r.blobs_sent || r.blobs_received) {
    files = ", " + Count(r.blobs_sent, "file") + " sent, " + Count(r.blobs_received, "file") +
            " received";
  }
  return "sent " + Count(r.pushed, "op") + ", received " + Count(r.pulled, "op") + " (" +
         std::to_string(r.applied) + " new)" + files + "; " + Count(r.requests, "request") +
         ", " + FormatBytes(r.bytes_sent) + " up, " + FormatBytes(r.bytes_received) + " down";
}

// Files named by ops here that their devices have not uploaded yet: not this
// device's to send, so the sync is done; said for people.
std::string Missing(const sync::SyncReport& r) {
  if (r.missing_blobs == 0) return "";
  return " " + Count(r.missing_blobs, "file") +
         " named here will come once the devices that recorded them send them.";
}

Status Sync(const Args& args) {
  SyncSetup setup;
  sync::ClientOptions& options = setup.device.options;
  if (args.Has("batch")) {
    CAIRN_ASSIGN_OR_RETURN(int64_t n, args.Int("batch", 1, 5000));
    options.push_batch_ops = static_cast<size_t>(n);
  }
  if (args.Has("max-send")) {
    CAIRN_ASSIGN_OR_RETURN(int64_t kib, args.Int("max-send", 1, 1'000'000));
    options.max_send_bytes_per_s = kib * 1024;
  }
  if (args.Has("max-recv")) {
    CAIRN_ASSIGN_OR_RETURN(int64_t kib, args.Int("max-recv", 1, 1'000'000));
    options.max_recv_bytes_per_s = kib * 1024;
  }
  int64_t timeout_ms = 0;
  if (args.Has("timeout")) {
    CAIRN_ASSIGN_OR_RETURN(int64_t s, args.Int("timeout", 1, 86'400 * 7));
    timeout_ms = s * 1000;
    options.connect_timeout_ms = std::min<int64_t>(options.connect_timeout_ms, timeout_ms);
  }
  if (args.Has("unknown-network")) {
    CAIRN_ASSIGN_OR_RETURN(std::string v, args.OneOf("unknown-network", {"metered", "unmetered"}));
    setup.device.policy.unknown_is = MeteredFromName(v);
  }
  const bool once = args.Has("once");
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  // The rounds run on SyncLoop's thread (the client's loop: one backoff, one
  // retry rule); this thread waits for the outcome or Ctrl-C.
  Status failed;  // a round that could not start (no store, not enrolled)
  sync::SyncLoopOptions loop_options;
  loop_options.interval = std::chrono::milliseconds(0);  // `next` ends the loop when done
  loop_options.backoff = {.base_ms = 1'000, .cap_ms = 60'000};
  loop_options.next =
      [&](const sync::SyncReport& report,
          std::chrono::milliseconds planned) -> std::optional<std::chrono::milliseconds> {
    bool out_of_time = timeout_ms > 0 && Clock::now() >= deadline;
    // ok(): the ops went; files that wait for an unmetered link would not go on a retry.
    // Outside sync.window: the window opens hours later, not after a backoff.
    if (!failed.ok() || report.ok() || report.outcome == sync::SyncOutcome::kRefused || once ||
        out_of_time || report.outcome == sync::SyncOutcome::kCancelled ||
        report.waiting_for_window) {
      return std::nullopt;
    }
    if (report.pushed || report.pulled) std::cout << "Partly synced: " << Summary(report) << ".\n";
    char in[32];
    std::snprintf(in, sizeof in, "%.1f s", static_cast<double>(planned.count()) / 1000);
    std::cout << report.message << Waiting(report) << "; trying again in " << in << std::endl;
    // The last try comes at the deadline, not after it.
    if (timeout_ms > 0) {
      planned = std::min(
          planned, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    }
    return planned;
  };
  sync::SyncLoop loop(
      [&](const std::atomic<bool>& cancel) {
        sync::ClientOptions round = options;
        round.cancel = &cancel;
        Result<sync::SyncReport> report = SyncOnce(setup, round);
        if (report.ok()) return *report;
        failed = report.status();
        sync::SyncReport stop;  // `next` ends the loop on `failed`
        stop.outcome = sync::SyncOutcome::kRefused;
        return stop;
      },
      loop_options);
  loop.Start();
  while (!loop.WaitFinished(std::chrono::milliseconds(50))) {
    if (interrupted) {
      loop.Stop();  // cancels the transfer in flight
      break;
    }
  }
  loop.Stop();
  if (failed.code() == Status::Code::kBusy) {
    // The systemd timer's run while the app is open: the app syncs by itself.
    std::cout << "Skipped: " << failed.message()
              << ". While the Cairn app is open it syncs by itself.\n";
    return Status::Ok();
  }
  if (!failed.ok()) return failed;
  sync::SyncReport report = loop.last_report();
  if (report.blobs_waited) std::cout << "Only ops sync now: " << report.blobs_wait_reason << ".\n";
  if (report.all_sent()) {
    std::cout << "Synced: " << Summary(report) << ". Nothing is waiting to be sent."
              << Missing(report) << "\n";
    return Status::Ok();
  }
  if (report.ok()) {
    // The ops went; files wait (a metered link): retrying now would not help.
    std::cout << "Synced the ops: " << Summary(report) << ".\n";
    return Status::Unavailable(report.message.empty()
                                   ? Count(report.pending_blobs, "file") + " not yet sent"
                                   : report.message);
  }
  if (report.pushed || report.pulled) std::cout << "Partly synced: " << Summary(report) << ".\n";
  if (report.outcome == sync::SyncOutcome::kRefused) {
    return Status::FailedPrecondition(report.message + Waiting(report));
  }
  if (report.message.empty()) report.message = "sync stopped before it finished";
  return Status::Unavailable(report.message + Waiting(report));
}

}  // namespace

void AddSyncStatusRows(const std::filesystem::path& data_dir, const Store& store, Table& table) {
  Result<std::optional<sync::SyncRecord>> loaded =
      sync::LoadSyncRecord(sync::SyncRecordFile(data_dir));
  if (!loaded.ok()) {
    table.Add({"sync", loaded.status().message()});
    return;
  }
  if (!*loaded) {
    if (store.mode() == StoreMode::kDevice) {
      std::filesystem::path token = InstalledTokenFile();
      table.Add({"sync", token.empty() ? "not enrolled: run `cairnctl enroll TOKEN`"
                                       : "not enrolled yet: the next `cairnctl sync` enrolls with "
                                         "IT's token at " +
                                             token.string()});
    }
    return;
  }
  const sync::SyncRecord& r = **loaded;
  table.Add({"server", r.server_url + " (" + r.device + ", " + r.role + ", classes " +
                           Classes(r.classes) + ")"});
  if (!r.pin.empty()) table.Add({"certificate", sync::PinFingerprint(r.pin)});
  table.Add({"last sync", r.last_sync_ms ? FormatTime(r.last_sync_ms) : "never"});
  table.Add({"waiting", Count(sync::PendingOps(store, r), "op") + " and " +
                            Count(sync::PendingBlobs(store, r), "file") + " to send"});
  BlobStore blobs(BlobStoreDir(data_dir));
  if (uint64_t missing = sync::MissingBlobs(store, blobs, r)) {
    table.Add({"files to fetch", Count(missing, "file") + " named by ops here, not here yet"});
  }
  if (!r.last_error.empty()) {
    table.Add({"sync problem", r.last_error + " (at " + FormatTime(r.last_attempt_ms) + ")"});
  }
}

void AddSyncCommands(std::vector<Command>& out) {
  out.push_back(
      {"enroll",
       "enroll this device with the school server, or learners in a class",
       {{"what",
         "the enrollment token (cairn1.…) or join code (XXXX-XXXX); with --class, learner "
         "ids or names",
         true, true}},
       {{"server", "URL", "the server's address, with a join code (https://HOST:PORT)"},
        {"name", "NAME", "this device's name as the school sees it (default: the host name)"},
        {"class", "CLASS", "enroll the learners named in this class (standalone classroom)"},
        {"remove", "", "with --class: take the learners out of the class instead"}},
       "A token carries the server's address and its certificate pin. A join code\n"
       "carries neither: give --server, and the certificate the server shows now is\n"
       "trusted from then on (its fingerprint is printed: compare it with IT's).\n"
       "The credential is kept in $CAIRN_HOME/data/sync.json (mode 0600) with the\n"
       "server's address, the pin and the sync progress, and nowhere else.\n\n"
       "Examples:\n  cairnctl enroll K7QM-2XPD --server https://cairn.school.example:8443\n"
       "  cairnctl enroll Ada Ben --class \"Room 12\"",
       Enroll});
  out.push_back(
      {"sync",
       "send this device's work to the school server and fetch what is new",
       {},
       {{"once", "", "try once; do not wait and retry"},
        {"timeout", "SECONDS", "give up retrying after this long"},
        {"max-send", "KIB", "send at most this many KiB per second (network.max_send_rate)"},
        {"max-recv", "KIB", "receive at most this many KiB per second (network.max_recv_rate)"},
        {"batch", "N", "ops per push request (default 500)"},
        {"unknown-network", "KIND",
         "treat a link whose metered state is unknown as metered or unmetered "
         "(network.metered_default)"}},
       "Pushes this device's ops, then pulls the roster, content and the work of its\n"
       "classes. Without --once, an unreachable or busy server is retried with growing,\n"
       "randomized waits until the sync is done, --timeout passes, or Ctrl-C.\n"
       "Exit status: 0 everything sent and received, or skipped because the Cairn app has\n"
       "the store open (it syncs by itself); 3 the server could not be reached\n"
       "or asked to wait (the work is saved here and goes next time); 1 the server\n"
       "refused (revoked device, wrong certificate).\n"
       "On a metered link (NetworkManager says so) only ops sync; files and packs wait\n"
       "(exit status 3, the ops are sent). Files go after the ops, resumed where a cut\n"
       "connection left them.\n"
       "The flags override the configuration (`cairnctl config`): rate caps, the\n"
       "metered default, and sync.window, outside which nothing is sent (exit 3).\n"
       "A server that refuses this device's credential because it saw it from another\n"
       "machine (a copied store) makes this copy a new device, enrolled with the token.",
       Sync});
}

}  // namespace cairn::cli
