// Forked child processes for tests about what a *second process* sees (flock
// locks are per open file description, so only another process shows the real
// behaviour). The child never returns into Catch2: it reports through a pipe and
// leaves with _exit.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <functional>
#include <string>

namespace cairn::testing {

namespace detail {
inline std::string ReadAll(int fd) {
  std::string out;
  char buf[512];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      return out;
    }
  }
}
inline void WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0 && errno != EINTR) return;
    if (n > 0) done += static_cast<size_t>(n);
  }
}
}  // namespace detail

// Runs `body` in a child process and returns the text it produced ("" when the
// child died before reporting).
inline std::string RunInChild(const std::function<std::string()>& body) {
  int fds[2];
  if (::pipe(fds) != 0) std::abort();
  pid_t pid = ::fork();
  if (pid < 0) std::abort();
  if (pid == 0) {
    ::close(fds[0]);
    detail::WriteAll(fds[1], body());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out = detail::ReadAll(fds[0]);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return out;
}

// A child that runs `setup`, reports its text, then waits until killed: a second
// process holding something (a lock, an open store) for as long as the test wants.
class HoldingChild {
 public:
  explicit HoldingChild(const std::function<std::string()>& setup) {
    int fds[2];
    if (::pipe(fds) != 0) std::abort();
    pid_ = ::fork();
    if (pid_ < 0) std::abort();
    if (pid_ == 0) {
      ::close(fds[0]);
      detail::WriteAll(fds[1], setup());
      ::close(fds[1]);
      while (true) ::pause();
    }
    ::close(fds[1]);
    report_ = detail::ReadAll(fds[0]);  // returns when the child closes its end
    ::close(fds[0]);
  }
  ~HoldingChild() { Kill(); }
  HoldingChild(const HoldingChild&) = delete;
  HoldingChild& operator=(const HoldingChild&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& report() const { return report_; }
  // SIGKILL, as a crash or the OOM killer would; waits until the child is gone.
  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  std::string report_;
};

}  // namespace cairn::testing
