// The morning sync storm: a real `cairn-server serve` process (HTTPS, as devices
// use it) on loopback, and a school's devices all syncing within a minute. Each
// device is enrolled beforehand in a class of 30 (28 student devices and 2
// teacher devices, like ../shared/data/school-day), pushes that day's events of
// its counterpart in the file as its own day (learners, teachers, goals and
// assignments renamed per class, so every class is its own), then pulls its
// class's new ops until the server says there is no more. Arrivals are an
// open-loop schedule: uniformly random over the window, whatever the server does.
//
// Baseline, in the same run: the same storm (same devices, bodies and arrival
// times) against a trivial Beast HTTPS server that answers every request at once
// (this binary, --trivial-server). It costs the same TLS handshakes, HTTP
// parsing, loopback traffic and load generator as the real run, and nothing of
// a sync, so the ratio of the two says what cairn-server's own work (decoding,
// authorization, storage, group commit, pulls) adds under a storm on this
// machine. (The bare SQLite insert rate would say nothing about latency, and
// bench_sync_ingest already sets ingest beside Store::ApplyRemote.)
//
//   bench_sync_storm [--devices N] [--window S] [--quick] [--no-baseline]
//                    [--timeout S] [--data events.jsonl] [--server cairn-server]
//
// --quick: 100 devices within 5 s (the ctest smoke test: the bench cannot rot).
// Exit status 1 when any device did not finish, any request failed (a 503
// busy included), a push was acknowledged with another `acked` than its ops
// make, a device pulled more ops than its class mates pushed (an op twice), or
// the server does not hold every op pushed (in all, and each device's log whole).
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

// clang-format off
#include <utility>  // before Boost 1.74's asio, which uses std::exchange
// clang-format on
#include <algorithm>
#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <sstream>

#include "bench_common.h"
#include "cairn/sync/enrollment_token.h"
#include "cairn/sync/server/storage.h"
#include "cairn/sync/server/tls.h"
#include "cairn/sync/wire.h"
#include "school_day.h"
#include "storm_client.h"

namespace cairn::bench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr size_t kClassSize = 30;  // the school-day file's devices: one class's
constexpr size_t kBatchOps = 500;  // sync/client's push batch

struct Options {
  size_t devices = 2000;
  double window_s = 60;
  double timeout_s = 30;
  bool baseline = true;
  fs::path data;
  fs::path server = CAIRN_SERVER_PATH;
};

// --- The school --------------------------------------------------------------

// Class `c`'s copy of an id of the file (a UUID): its first four hex digits
// become the class number, so classes share no learner, teacher or goal.
std::string InClass(const std::string& id, size_t c) {
  char prefix[24];
  std::snprintf(prefix, sizeof prefix, "%04zx", c % 0x10000);
  return prefix + id.substr(std::min<size_t>(4, id.size()));
}

// The op's body with every id that names a person, goal or assignment renamed for class `c`.
json BodyInClass(const json& body, size_t c) {
  json out = body;
  for (const char* field : {"learner", "teacher", "goal", "assignment"}) {
    auto it = out.find(field);
    if (it != out.end() && it->is_string()) *it = InClass(it->get<std::string>(), c);
  }
  if (auto it = out.find("learners"); it != out.end() && it->is_array()) {
    for (json& l : *it) l = InClass(l.get<std::string>(), c);
  }
  return out;
}

struct School {
  std::vector<StormDevice> devices;
  std::vector<Origin> origins;  // each device's, to ask the server what it holds of it
  std::vector<uint64_t> ops;    // each device's ops
  uint64_t roster_ops = 0;
  uint64_t device_ops = 0;
};

std::string ClassId(size_t c) {
  char id[32];
  std::snprintf(id, sizeof id, "class-%03zu", c);
  return id;
}

// The server's data directory with the school's roster and every device
// enrolled (through the storage, as `cairn-server token create` and /v1/enroll
// would leave it), and the devices' pre-encoded pushes.
School BuildSchool(const fs::path& dir, const std::vector<DayDevice>& day, const Options& o,
                   std::mt19937_64& rng) {
  std::set<std::string> learners, teachers;
  for (const DayDevice& d : day) {
    for (const std::string& l : LearnersOf(d.ops)) learners.insert(l);
    for (const Op& op : d.ops) {
      if (auto it = op.body.find("teacher"); it != op.body.end())
        teachers.insert(it->get<std::string>());
    }
  }
  const size_t classes = (o.devices + kClassSize - 1) / kClassSize;
  std::vector<std::pair<std::string, json>> roster = {
      {"school", {{"school", "school-1"}, {"name", "Storm Elementary"}}}};
  for (size_t c = 0; c < classes; ++c) {
    std::string klass = ClassId(c);
    roster.push_back({"class", {{"class", klass}, {"school", "school-1"}, {"name", klass}}});
    for (const std::string& l : learners) {
      std::string id = InClass(l, c);
      roster.push_back(
          {"learner", {{"learner", id}, {"school", "school-1"}, {"display_name", id}}});
      roster.push_back({"enrollment", {{"class", klass}, {"learner", id}, {"active", true}}});
    }
    for (const std::string& t : teachers) {
      std::string id = InClass(t, c);
      roster.push_back({"teacher", {{"teacher", id}, {"school", "school-1"}, {"name", id}}});
      roster.push_back({"class_teacher", {{"class", klass}, {"teacher", id}, {"active", true}}});
    }
  }
  auto storage = server::OpenSqliteStorage({.dir = dir});
  if (!storage.ok()) Die(storage.status().ToString());
  server::ServerStorage& s = **storage;
  if (auto r = s.AppendServerOps(roster); !r.ok()) Die(r.status().ToString());
  auto stats = s.LogStats();
  if (!stats.ok()) Die(stats.status().ToString());

  School school;
  school.roster_ops = roster.size();
  std::uniform_real_distribution<double> arrival(0, o.window_s);
  if (!s.BeginGroup().ok()) Die("cannot begin a write group");
  std::vector<int64_t> tokens;  // per class: student token, teacher token
  for (size_t c = 0; c < classes; ++c) {
    for (server::DeviceRole role :
         {server::DeviceRole::kStudentDevice, server::DeviceRole::kTeacherDevice}) {
      server::TokenRecord t;
      t.role = role;
      t.classes = {ClassId(c)};
      auto token = s.CreateToken(t, sync::Sha256("token:" + sync::RandomSecret()),
                                 sync::Sha256("join:" + sync::RandomSecret()));
      if (!token.ok()) Die(token.status().ToString());
      tokens.push_back(token->id);
    }
  }
  for (size_t i = 0; i < o.devices; ++i) {
    const size_t c = i / kClassSize;
    const DayDevice& model = day[i % kClassSize % day.size()];
    const bool teacher = model.teacher();
    server::DeviceRecord rec;
    rec.origin = DayDeviceOrigin(ClassId(c) + "/" + model.name);
    rec.role = teacher ? server::DeviceRole::kTeacherDevice : server::DeviceRole::kStudentDevice;
    rec.classes = {ClassId(c)};
    rec.name = ClassId(c) + "/" + model.name;
    rec.token = tokens[2 * c + (teacher ? 1 : 0)];
    StormDevice d;
    d.credential = sync::RandomSecret();
    if (!s.EnrollDevice(rec, sync::Sha256("credential:" + d.credential)).ok())
      Die("cannot enroll " + rec.name);
    std::vector<Op> ops = model.ops;
    for (Op& op : ops) {
      op.origin = rec.origin;
      op.body = BodyInClass(op.body, c);
    }
    for (size_t at = 0; at < ops.size(); at += kBatchOps) {
      std::span<const Op> batch(ops.data() + at, std::min(kBatchOps, ops.size() - at));
      Result<std::string> z = sync::Compress(sync::EncodeBatch(batch), sync::Codec::kZstd);
      if (!z.ok()) Die(z.status().ToString());
      d.pushes.push_back(std::move(z).value());
      d.acks.push_back(batch.back().seq);  // the day's seqs are dense from 1
    }
    school.device_ops += ops.size();
    school.origins.push_back(rec.origin);
    school.ops.push_back(ops.size());
    // It pulled the roster when it was enrolled: this morning it asks for what is new.
    d.cursor = stats->last_cursor;
    d.arrival_s = arrival(rng);
    school.devices.push_back(std::move(d));
  }
  if (!s.CommitGroup().ok()) Die("cannot commit the enrollments");
  std::vector<uint64_t> class_ops(classes, 0);
  for (size_t i = 0; i < o.devices; ++i) class_ops[i / kClassSize] += school.ops[i];
  for (size_t i = 0; i < o.devices; ++i) {
    school.devices[i].class_mates_ops = class_ops[i / kClassSize] - school.ops[i];
  }
  return school;
}

// --- Processes ---------------------------------------------------------------

// The port a spawned server prints ("... on https://127.0.0.1:PORT").
uint16_t WaitForPort(pid_t pid, const fs::path& log) {
  const std::string marker = "on https://127.0.0.1:";
  std::string text = WaitForOutput(pid, log, marker, "the server", 30);
  return static_cast<uint16_t>(std::atoi(text.c_str() + text.find(marker) + marker.size()));
}

// VmHWM (peak resident set) of a live process, in MiB.
double PeakRssMib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("VmHWM:")) return std::atof(line.c_str() + 6) / 1024;
  }
  return 0;
}

// User + system CPU seconds of a live process.
double CpuSeconds(pid_t pid) {
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::atof(field.c_str());
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double OwnCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// A load generator and a server with 2,000 connections open at once need more
// descriptors than a 1,024 soft limit.
void RaiseFileLimit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

// --- The trivial baseline server -------------------------------------------

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

net::awaitable<void> TrivialSession(beast::ssl_stream<beast::tcp_stream> stream) {
  try {
    co_await stream.async_handshake(net::ssl::stream_base::server, net::use_awaitable);
    beast::flat_buffer buffer;
    while (true) {
      http::request<http::string_body> req;
      co_await http::async_read(stream, buffer, req, net::use_awaitable);
      http::response<http::string_body> res(http::status::ok, req.version());
      res.set(http::field::content_type, "application/json");
      res.body() = req.method() == http::verb::post
                       ? R"({"acked":1,"clock":0})"
                       : R"({"clock":0,"more":false,"next_cursor":0,"ops":{"n":0,"v":1}})";
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      co_await http::async_write(stream, res, net::use_awaitable);
      if (!res.keep_alive()) break;
    }
  } catch (const boost::system::system_error&) {
    // The device closed its connection: the session is over.
  }
}

net::awaitable<void> TrivialAccept(net::ip::tcp::acceptor& acceptor, net::ssl::context& tls) {
  while (true) {
    net::ip::tcp::socket socket = co_await acceptor.async_accept(net::use_awaitable);
    net::co_spawn(acceptor.get_executor(),
                  TrivialSession(beast::ssl_stream<beast::tcp_stream>(
                      beast::tcp_stream(std::move(socket)), tls)),
                  net::detached);
  }
}

int TrivialServerMain(const std::string& cert, const std::string& key) {
  RaiseFileLimit();
  net::io_context ioc{1};
  net::ssl::context tls(net::ssl::context::tls_server);
  tls.use_certificate_chain_file(cert);
  tls.use_private_key_file(key, net::ssl::context::pem);
  SSL_CTX_set_num_tickets(tls.native_handle(), 0);  // as cairn-server
  net::ip::tcp::acceptor acceptor(ioc, {net::ip::make_address("127.0.0.1"), 0});
  acceptor.listen(net::socket_base::max_listen_connections);
  std::printf("trivial server on https://127.0.0.1:%u\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  net::co_spawn(ioc, TrivialAccept(acceptor, tls), net::detached);
  ioc.run();
  return 0;
}

// --- Figures -----------------------------------------------------------------

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, i == 0 ? 0 : i - 1)];
}

void Report(const std::string& prefix, const StormResult& r) {
  Metric(prefix + "completion_s", r.completion_s, "s");
  Metric(prefix + "latency_p50_ms", Percentile(r.latencies_ms, 0.50), "ms");
  Metric(prefix + "latency_p99_ms", Percentile(r.latencies_ms, 0.99), "ms");
  Metric(prefix + "latency_max_ms", Percentile(r.latencies_ms, 1.0), "ms");
  Metric(prefix + "requests", static_cast<double>(r.requests), "requests");
  Metric(prefix + "errors", static_cast<double>(r.errors), "requests");
  Metric(prefix + "throttled_429", static_cast<double>(r.throttled), "requests");
  Metric(prefix + "busy_503", static_cast<double>(r.unavailable), "requests");
  Metric(prefix + "devices_done", static_cast<double>(r.devices_done), "devices");
  Metric(prefix + "device_sync_p99_s", Percentile(r.session_s, 0.99), "s");
  for (const std::string& e : r.error_samples) std::printf("  error: %s\n", e.c_str());
}

double LoadAverage() {
  double load[1] = {0};
  return getloadavg(load, 1) == 1 ? load[0] : -1;
}

}  // namespace
}  // namespace cairn::bench

int main(int argc, char** argv) {
  using namespace cairn;
  using namespace cairn::bench;
  Options o;
  o.data = DefaultSchoolDayFile(CAIRN_SOURCE_DIR);
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--trivial-server" && i + 2 < argc) {
      return TrivialServerMain(argv[i + 1], argv[i + 2]);
    } else if (a == "--devices") {
      o.devices = std::stoul(value());
    } else if (a == "--window") {
      o.window_s = std::stod(value());
    } else if (a == "--timeout") {
      o.timeout_s = std::stod(value());
    } else if (a == "--quick") {
      o.devices = 100;
      o.window_s = 5;
    } else if (a == "--no-baseline") {
      o.baseline = false;
    } else if (a == "--data") {
      o.data = value();
    } else if (a == "--server") {
      o.server = value();
    } else {
      std::cerr << "usage: bench_sync_storm [--devices N] [--window S] [--quick] "
                   "[--no-baseline] [--timeout S] [--data events.jsonl] [--server PATH]\n";
      return 2;
    }
  }
  if (!fs::exists(o.data)) {
    std::cout << "bench_sync_storm: " << o.data.string()
              << " is missing (the shared school-day data sits beside the repository); "
                 "nothing measured\n";
    return 0;
  }
  if (o.devices == 0) Die("--devices must be at least 1");
  RaiseFileLimit();
  Metric("sync_storm_loadavg_1min_before", LoadAverage(), "");
  std::vector<DayDevice> day = LoadSchoolDay(o.data);
  ScratchDir scratch("storm");
  fs::path data = scratch.path() / "data";
  std::mt19937_64 rng(20240901);
  School school = BuildSchool(data, day, o, rng);
  Result<server::TlsFiles> tls = server::EnsureSelfSignedCertificate(data);
  if (!tls.ok()) Die(tls.status().ToString());
  std::printf(
      "storm: %zu devices in %zu classes, arrivals over %.0f s; %llu ops to push, "
      "%llu roster ops on the server\n",
      o.devices, (o.devices + kClassSize - 1) / kClassSize, o.window_s,
      static_cast<unsigned long long>(school.device_ops),
      static_cast<unsigned long long>(school.roster_ops));
  std::fflush(stdout);

  std::optional<StormResult> trivial;
  if (o.baseline) {
    std::string self = fs::read_symlink("/proc/self/exe").string();
    pid_t pid = Spawn({self, "--trivial-server", tls->cert.string(), tls->key.string()},
                      scratch.path() / "trivial.log");
    trivial = RunStorm(WaitForPort(pid, scratch.path() / "trivial.log"), school.devices,
                       o.timeout_s, /*check=*/false);
    StopProcess(pid, 30);
  }

  pid_t server =
      Spawn({o.server.string(), "serve", "--data", data.string(), "--listen", "127.0.0.1:0"},
            scratch.path() / "serve.log");
  uint16_t port = WaitForPort(server, scratch.path() / "serve.log");
  double own_cpu = OwnCpuSeconds();
  double server_cpu = CpuSeconds(server);
  StormResult r = RunStorm(port, school.devices, o.timeout_s, /*check=*/true);
  own_cpu = OwnCpuSeconds() - own_cpu;
  server_cpu = CpuSeconds(server) - server_cpu;
  double rss = PeakRssMib(server);
  StopProcess(server, 30);

  // Every op pushed and acknowledged is stored, once: as many ops as were
  // pushed, and each device's log whole on the server.
  uint64_t stored = 0, devices_short = 0;
  {
    auto storage = server::OpenSqliteStorage({.dir = data});
    if (!storage.ok()) Die(storage.status().ToString());
    auto stats = (*storage)->LogStats();
    if (!stats.ok()) Die(stats.status().ToString());
    stored = stats->total_ops;
    for (size_t i = 0; i < school.origins.size(); ++i) {
      Result<uint64_t> acked = (*storage)->Acked(school.origins[i]);
      if (!acked.ok() || *acked != school.ops[i]) ++devices_short;
    }
  }
  const uint64_t expected = school.roster_ops + school.device_ops;

  Report("sync_storm_", r);
  Metric("sync_storm_server_peak_rss_mib", rss, "MiB");
  Metric("sync_storm_server_cpu_s", server_cpu, "s");
  Metric("sync_storm_load_generator_cpu_s", own_cpu, "s");
  Metric("sync_storm_ops_pushed", static_cast<double>(school.device_ops), "ops");
  Metric("sync_storm_ops_pulled", static_cast<double>(r.pulled_ops), "ops");
  Metric("sync_storm_pull_bytes_per_op",
         r.pulled_ops ? static_cast<double>(r.pulled_bytes) / static_cast<double>(r.pulled_ops) : 0,
         "B/op");
  Metric("sync_storm_ops_stored_minus_expected",
         static_cast<double>(stored) - static_cast<double>(expected), "ops");
  Metric("sync_storm_devices_missing_ops_on_server", static_cast<double>(devices_short), "devices");
  if (trivial) {
    Report("sync_storm_baseline_trivial_", *trivial);
    auto ratio = [](double a, double b) { return b > 0 ? a / b : 0; };
    Metric("sync_storm_completion_vs_trivial_ratio", ratio(r.completion_s, trivial->completion_s),
           "x");
    Metric("sync_storm_p99_vs_trivial_ratio",
           ratio(Percentile(r.latencies_ms, 0.99), Percentile(trivial->latencies_ms, 0.99)), "x");
  }
  Metric("sync_storm_loadavg_1min_after", LoadAverage(), "");
  const bool complete =
      r.errors == 0 && r.devices_done == o.devices && stored == expected && devices_short == 0;
  std::printf("targets: done within 90 s: %s; zero errors: %s; p99 under 1 s: %s\n",
              r.devices_done == o.devices && r.completion_s <= 90 ? "yes" : "NO",
              r.errors == 0 ? "yes" : "NO", Percentile(r.latencies_ms, 0.99) < 1000 ? "yes" : "NO");
  return complete ? 0 : 1;
}
