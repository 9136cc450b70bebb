// One student device's school day synced over a poor school link: 256 kbit/s,
// 300 ms round trip, 2% loss (issue 4's set-up), TLS included, beside the same
// sync over a clean link through the same emulator in the same run.
//
//   bench_sync_netem [--device NAME] [--runs N] [--delay-ms 150] [--rate-kbit 256]
//                    [--loss 0.02] [--data events.jsonl]
//
// A real `cairn-server serve` (HTTPS, its own certificate) runs in one network
// namespace, the devices' `cairnctl` in another; link_emulator carries every
// packet between them (this kernel has no sch_netem). Each timed run is a fresh
// device, enrolled and synced beforehand (roster and content pulled, as on any
// morning), that recorded the day of NAME (the busiest student device of the
// file by default) and then runs `cairnctl sync --once`: the wall time from
// start to exit 0, which means everything pushed is acknowledged and the pull
// is done. Needs root, `ip` and /dev/net/tun; without them it says so and
// measures nothing.
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "bench_common.h"
#include "school_day.h"

namespace cairn::bench {
namespace {

namespace fs = std::filesystem;

constexpr int kPort = 8443;
const char* kServerAddress = "10.78.0.1";

struct Options {
  fs::path data;
  std::string device;
  int runs = 5;
  std::string delay_ms = "150", rate_kbit = "256", loss = "0.02";
};

// A child process, optionally inside a network namespace and with CAIRN_HOME
// set; output to a file.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& netns, const fs::path& out,
            const fs::path& home = {}) {
  return bench::Spawn(argv, out, [&] {
    if (!netns.empty()) {
      int fd = open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) return false;
    }
    if (!home.empty()) setenv("CAIRN_HOME", home.c_str(), 1);
    return true;
  });
}

// Runs a command to its end; dies with its output unless it exits with 0.
std::string Must(const std::vector<std::string>& argv, const fs::path& log,
                 const std::string& netns = {}, const fs::path& home = {}) {
  int status = WaitExit(Spawn(argv, netns, log, home));
  std::string out = ReadFile(log);
  if (status != 0) {
    std::string line;
    for (const std::string& a : argv) line += a + " ";
    Die(line + "exited with " + std::to_string(status) + ":\n" + out);
  }
  return out;
}

bool Shell(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

// Why this machine cannot run the bench, or "" when it can.
std::string MissingPrerequisite() {
  if (geteuid() != 0) return "needs root (network namespaces and a TUN device)";
  if (access("/dev/net/tun", R_OK | W_OK) != 0) return "/dev/net/tun is missing";
  if (!Shell("ip -V")) return "the `ip` command (iproute2) is missing";
  return "";
}

class Link;
Link* live_link = nullptr;
void TearDownLiveLink();

// The two namespaces, the emulator between them and the server in one of them;
// torn down however the bench ends: Die() exits without unwinding, so an atexit
// hook does it then (left behind, the emulator and server ran on for hours).
class Link {
 public:
  explicit Link(const fs::path& dir) : dir_(dir) {
    std::string id = std::to_string(getpid());
    client_ns_ = "cairn-nc-" + id;
    server_ns_ = "cairn-ns-" + id;
    created_ = Shell("ip netns add " + client_ns_) && Shell("ip netns add " + server_ns_);
    if (!created_) Remove();
    live_link = this;
    std::atexit(TearDownLiveLink);
  }
  // False when this machine does not let us make network namespaces (a container).
  bool created() const { return created_; }
  ~Link() {
    TearDown();
    live_link = nullptr;
  }
  void TearDown() {
    StopEmulator();
    StopServer();
    Remove();
  }
  const std::string& client_ns() const { return client_ns_; }

  // (Re)starts the emulator: every packet between the namespaces goes through it.
  void StartEmulator(const std::vector<std::string>& shape) {
    StopEmulator();
    std::vector<std::string> argv = {LINK_EMULATOR_PATH, "--client-ns", client_ns_,
                                     "--server-ns", server_ns_};
    argv.insert(argv.end(), shape.begin(), shape.end());
    emulator_log_ = dir_ / ("emulator-" + std::to_string(++emulators_) + ".log");
    emulator_ = Spawn(argv, "", emulator_log_);
    WaitForOutput(emulator_, emulator_log_, "ready", "the link emulator", 10);
  }
  // What the emulator forwarded and dropped (its last line), after stopping it.
  std::string StopEmulator() {
    if (emulator_ <= 0) return "";
    StopProcess(emulator_, 10);
    emulator_ = -1;
    std::string log = ReadFile(emulator_log_);
    size_t at = log.find("link: ");
    return at == std::string::npos ? "" : log.substr(at, log.find('\n', at) - at);
  }

  void StartServer(const fs::path& data) {
    server_log_ = dir_ / "serve.log";
    server_ = Spawn({CAIRN_SERVER_PATH, "serve", "--data", data.string(), "--listen",
                     "0.0.0.0:" + std::to_string(kPort)},
                    server_ns_, server_log_);
    WaitForOutput(server_, server_log_, "serving", "cairn-server", 10);
  }
  void StopServer() {
    if (server_ <= 0) return;
    StopProcess(server_, 30);
    server_ = -1;
  }

 private:
  void Remove() {
    Shell("ip netns delete " + client_ns_);
    Shell("ip netns delete " + server_ns_);
  }

  fs::path dir_, emulator_log_, server_log_;
  std::string client_ns_, server_ns_;
  pid_t emulator_ = -1, server_ = -1;
  int emulators_ = 0;
  bool created_ = false;
};

void TearDownLiveLink() {
  if (live_link) live_link->TearDown();
}

const DayDevice& PickDevice(const std::vector<DayDevice>& day, const std::string& name) {
  const DayDevice* pick = nullptr;
  for (const DayDevice& d : day) {
    if (!name.empty() ? d.name == name
                      : !d.teacher() && (!pick || d.ops.size() > pick->ops.size())) {
      pick = &d;
    }
  }
  if (!pick) Die("no device " + name + " in the school day");
  if (pick->teacher()) Die(name + " is a teacher device; pick a student device");
  return *pick;
}

// Device n's copy of the day: the same events about learners of its own (the
// ids' last four hex digits become n), so that each timed device is alone in its
// class and pulls the same small amount: the timed runs compare.
std::vector<Op> DayOfDevice(const DayDevice& day, int n) {
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%04x", n);
  auto own = [&](nlohmann::json& id) {
    std::string s = id.get<std::string>();
    id = s.substr(0, s.size() - 4) + suffix;
  };
  std::vector<Op> ops = day.ops;
  for (Op& op : ops) {
    if (op.body.contains("learner")) own(op.body["learner"]);
    if (op.body.contains("learners")) {
      for (nlohmann::json& l : op.body["learners"]) own(l);
    }
  }
  return ops;
}

class School {
 public:
  School(const fs::path& dir, fs::path data) : dir_(dir), data_(std::move(data)) {
    Admin({"school", "create", "Riverside"});
    Admin({"pack", "publish",
           std::string(CAIRN_SOURCE_DIR) + "/content/math-fractions-place-value.en.json"});
  }
  const fs::path& data() const { return data_; }

  // A class for device n holding the learners of `ops`; returns its token.
  std::string ClassWithToken(int n, const std::vector<Op>& ops) {
    std::string name = "Room " + std::to_string(n), id = "room-" + std::to_string(n);
    Admin({"class", "create", name});
    fs::path csv = dir_ / "roster.csv";
    std::ofstream roster(csv);
    roster << "learner,display_name,given_name,family_name,class\n";
    int k = 0;
    for (const std::string& learner : LearnersOf(ops)) {
      ++k;
      roster << learner << ",Learner " << k << ",Learner," << k << "," << id << "\n";
    }
    roster.close();
    Admin({"roster", "import", csv.string()});
    std::string out = Admin({"token", "create", "--role", "student-device", "--classes", id,
                             "--url", "https://" + std::string(kServerAddress) + ":" +
                                          std::to_string(kPort)});
    size_t at = out.find("cairn1.");
    if (at == std::string::npos) Die("token create printed no token:\n" + out);
    return out.substr(at, out.find_first_of(" \n", at) - at);
  }

 private:
  std::string Admin(std::vector<std::string> args) const {
    args.insert(args.begin(), CAIRN_SERVER_PATH);
    args.push_back("--data");
    args.push_back(data_.string());
    return Must(args, dir_ / "admin.log");
  }

  fs::path dir_, data_;
};

// Device n, enrolled in a class of its own and caught up (untimed: roster and
// content pulled, as on any morning), then its day recorded on it.
fs::path PrepareDevice(const fs::path& dir, int n, const std::string& token, const Link& link,
                       const DayDevice& day) {
  std::vector<Op> ops = DayOfDevice(day, n);
  fs::path home = dir / ("device-" + std::to_string(n));
  fs::create_directories(home);
  fs::path log = home / "prepare.log";
  Must({CAIRNCTL_PATH, "enroll", token, "--name", "laptop-" + std::to_string(n)}, log,
       link.client_ns(), home);
  Must({CAIRNCTL_PATH, "sync", "--once"}, log, link.client_ns(), home);
  StoreOptions options;
  options.path = home / "data" / "cairn.db";
  options.create_if_missing = false;
  Result<std::unique_ptr<Store>> store = Store::Open(options);
  if (!store.ok()) Die(store.status().ToString());
  std::vector<std::pair<std::string, nlohmann::json>> writes;
  for (const Op& op : ops) writes.emplace_back(op.kind, op.body);
  Result<std::vector<OpId>> ids = (*store)->AppendAll(writes);
  if (!ids.ok()) Die("recording the day: " + ids.status().ToString());
  return home;
}

// One timed `cairnctl sync --once`, in milliseconds; dies unless it sent everything.
double TimedSync(const fs::path& home, const Link& link) {
  double start = NowMicros();
  int status =
      WaitExit(Spawn({CAIRNCTL_PATH, "sync", "--once"}, link.client_ns(), home / "sync.log", home));
  double ms = (NowMicros() - start) / 1000;
  if (status != 0) {
    Die("cairnctl sync --once exited with " + std::to_string(status) + ":\n" +
        ReadFile(home / "sync.log"));
  }
  return ms;
}

struct Condition {
  std::string name;
  std::vector<std::string> shape;
  std::vector<double> ms;
  std::string link_summary;
};

}  // namespace
}  // namespace cairn::bench

int main(int argc, char** argv) {
  using namespace cairn::bench;
  Options o;
  o.data = DefaultSchoolDayFile(CAIRN_SOURCE_DIR);
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--device") o.device = value();
    else if (a == "--runs") o.runs = std::max(1, std::atoi(value().c_str()));
    else if (a == "--delay-ms") o.delay_ms = value();
    else if (a == "--rate-kbit") o.rate_kbit = value();
    else if (a == "--loss") o.loss = value();
    else if (a == "--data") o.data = value();
    else {
      std::cerr << "usage: bench_sync_netem [--device NAME] [--runs N] [--delay-ms 150] "
                   "[--rate-kbit 256] [--loss 0.02] [--data events.jsonl]\n";
      return 2;
    }
  }
  if (std::string why = MissingPrerequisite(); !why.empty()) {
    std::cout << "bench_sync_netem: skipped, nothing measured: " << why << "\n";
    return 0;
  }
  if (!fs::exists(o.data)) {
    std::cout << "bench_sync_netem: " << o.data.string()
              << " is missing (the shared school-day data sits beside the repository); "
                 "nothing measured\n";
    return 0;
  }
  std::vector<DayDevice> day = LoadSchoolDay(o.data);
  const DayDevice& device = PickDevice(day, o.device);

  ScratchDir scratch("cairn-bench-netem");
  const fs::path& dir = scratch.path();
  School school(dir, dir / "server");

  Link link(dir);
  if (!link.created()) {
    std::cout << "bench_sync_netem: skipped, nothing measured: `ip netns add` failed here\n";
    return 0;
  }
  std::vector<Condition> conditions = {
      {"clean", {"--delay-ms", "0", "--rate-kbit", "1000000", "--loss", "0"}, {}, {}},
      {"poor",
       {"--delay-ms", o.delay_ms, "--rate-kbit", o.rate_kbit, "--loss", o.loss, "--seed", "7"},
       {}, {}}};
  // Classes and tokens first: admin commands need the server stopped.
  std::vector<std::string> tokens;
  for (int n = 0; n < 2 * o.runs; ++n) {
    tokens.push_back(school.ClassWithToken(n, DayOfDevice(device, n)));
  }
  link.StartEmulator(conditions[0].shape);
  link.StartServer(school.data());
  // Every device is prepared over the clean link, so that the timed runs measure
  // the day's sync alone.
  std::vector<fs::path> homes;
  for (int n = 0; n < 2 * o.runs; ++n) homes.push_back(PrepareDevice(dir, n, tokens[n], link, device));
  std::printf("bench_sync_netem: %s's day, %zu ops, %zu learners; %d runs per link\n",
              device.name.c_str(), device.ops.size(), LearnersOf(device.ops).size(), o.runs);
  for (size_t c = 0; c < conditions.size(); ++c) {
    Condition& cond = conditions[c];
    if (c > 0) link.StartEmulator(cond.shape);
    for (int r = 0; r < o.runs; ++r) {
      cond.ms.push_back(TimedSync(homes[c * o.runs + r], link));
      std::printf("  %s link, run %d: %.0f ms\n", cond.name.c_str(), r + 1, cond.ms.back());
    }
    cond.link_summary = link.StopEmulator();
    std::printf("  %s %s\n", cond.name.c_str(), cond.link_summary.c_str());
  }
  std::printf("poor link: %s kbit/s, %s ms each way, loss %s each way\n", o.rate_kbit.c_str(),
              o.delay_ms.c_str(), o.loss.c_str());
  const Condition& clean = conditions[0];
  const Condition& poor = conditions[1];
  Metric("sync_netem_day_ops", static_cast<double>(device.ops.size()), "ops");
  Metric("sync_netem_poor_link_median_ms", Median(poor.ms), "ms");
  Metric("sync_netem_poor_link_max_ms", *std::max_element(poor.ms.begin(), poor.ms.end()), "ms");
  Metric("sync_netem_baseline_clean_link_median_ms", Median(clean.ms), "ms");
  Metric("sync_netem_poor_over_clean", Median(poor.ms) / Median(clean.ms), "x");
  return 0;
}
