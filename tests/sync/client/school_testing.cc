#include "sync/client/school_testing.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace cairn::testing {
namespace fs = std::filesystem;

namespace {

uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("no free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool Accepts(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

pid_t StartCairnctl(const CairnctlHome& home, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {CAIRNCTL_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return SpawnProcess(argv, home.dir() / "stdout.txt", home.dir() / "stderr.txt", home.dir());
}

School::School() {
  std::string pattern = (fs::temp_directory_path() / "cairn-school-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  data_ = dir_ / "data";
  port_ = FreePort();
  auto must = [&](const std::vector<std::string>& args) {
    ProcessRun r = Admin(args);
    if (r.status != 0) throw std::runtime_error("cairn-server failed: " + r.err);
  };
  must({"school", "create", "Riverside"});
  must({"class", "create", "Room 12"});
  must({"class", "create", "Room 7"});
  must({"teacher", "add", "Ms Rivera", "--classes", "room-12"});
  must({"learner", "add", "Ada", "--classes", "room-12"});
  must({"learner", "add", "Ben", "--classes", "room-12"});
  must({"learner", "add", "Cy", "--classes", "room-7"});
  must({"pack", "publish",
        std::string(CAIRN_SOURCE_DIR_DEFAULT) + "/content/math-fractions-place-value.en.json"});
}

School::~School() {
  if (running()) Stop(SIGKILL);
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

ProcessRun School::Admin(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {CAIRN_SERVER_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--data");
  argv.push_back(data_.string());
  ProcessRun run;
  run.status = WaitForExit(SpawnProcess(argv, dir_ / "admin.out", dir_ / "admin.err"));
  run.out = ReadAll(dir_ / "admin.out");
  run.err = ReadAll(dir_ / "admin.err");
  return run;
}

std::string School::Token(const std::string& role, const std::string& extra) {
  std::vector<std::string> args = {"token", "create", "--role", role, "--classes", "room-12",
                                   "--url", url()};
  if (!extra.empty()) {
    args.push_back("--expires");
    args.push_back(extra);
  }
  ProcessRun r = Admin(args);
  if (r.status != 0) throw std::runtime_error("token create failed: " + r.err);
  std::string token = LineWith(r.out, "cairn1.");
  std::string join = LineWith(r.out, "Join code: ");
  join_code_ = join.substr(join.find(": ") + 2, 9);
  return token;
}

void School::Start() {
  pid_ = SpawnProcess({CAIRN_SERVER_PATH, "serve", "--data", data_.string(), "--listen",
                "127.0.0.1:" + std::to_string(port_)},
               dir_ / "serve.out", dir_ / "serve.err");
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!Accepts(port_)) {
    int wstatus = 0;
    if (::waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("cairn-server serve exited: " + ReadAll(dir_ / "serve.err"));
    }
    if (std::chrono::steady_clock::now() > give_up) throw std::runtime_error("server not up");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

bool School::WaitForLog(const std::string& needle, int timeout_ms) const {
  auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (ReadAll(dir_ / "serve.out").find(needle) == std::string::npos) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

void School::Stop(int signal) {
  if (pid_ <= 0) return;
  ::kill(pid_, signal);
  WaitForExit(pid_);
  pid_ = -1;
}

}  // namespace cairn::testing
