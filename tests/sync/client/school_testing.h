// A real school on loopback for end-to-end tests: a cairn-server process (HTTPS
// with the certificate it generates), set up through its admin commands the way
// IT sets one up, and devices that are real cairnctl runs, each in its own
// CAIRN_HOME.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/cairnctl_runner.h"

namespace cairn::testing {

struct ProcessRun {
  int status = -1;  // exit status; -1 when killed by a signal
  std::string out;
  std::string err;
};

// The school: "Riverside" with class room-12 (learners ada and ben, teacher
// ms-rivera) and class room-7 (learner cy), the sample math pack published.
class School {
 public:
  School();
  ~School();  // stops the server if running, removes the data directory
  School(const School&) = delete;
  School& operator=(const School&) = delete;

  // `cairn-server ARGS --data DIR` while the server is stopped.
  ProcessRun Admin(const std::vector<std::string>& args) const;
  // `token create` for `role` and class room-12; returns the token text.
  std::string Token(const std::string& role, const std::string& extra = "");
  // The join code printed with the last Token().
  const std::string& join_code() const { return join_code_; }

  // Starts `cairn-server serve` and waits until it accepts connections.
  void Start();
  // Sends `signal` (SIGTERM: a clean stop; SIGKILL: a crash) and waits for exit.
  void Stop(int signal);
  bool running() const { return pid_ > 0; }
  // Waits until the server's request log has a line containing `needle`.
  bool WaitForLog(const std::string& needle, int timeout_ms) const;

  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  const std::filesystem::path& data() const { return data_; }

 private:
  std::filesystem::path dir_;
  std::filesystem::path data_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  std::string join_code_;
};

// Runs `cairnctl args...` in `home` without waiting; returns its pid (WaitForExit).
pid_t StartCairnctl(const CairnctlHome& home, const std::vector<std::string>& args);

}  // namespace cairn::testing
