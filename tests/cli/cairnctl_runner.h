// Runs the real cairnctl binary the way a user would, in a private CAIRN_HOME.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace cairn::testing {

struct Run {
  int status = -1;  // exit status; -1 when it did not exit normally
  std::string out;
  std::string err;
};

// A temporary CAIRN_HOME, removed when the object goes away.
class CairnctlHome {
 public:
  CairnctlHome();
  ~CairnctlHome();
  CairnctlHome(const CairnctlHome&) = delete;
  CairnctlHome& operator=(const CairnctlHome&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path store_file() const { return dir_ / "data" / "cairn.db"; }

  // Runs `cairnctl args...` with CAIRN_HOME set to dir(); stdin is /dev/null.
  Run operator()(const std::vector<std::string>& args) const;

  // Writes `text` to a file in dir() and returns its path.
  std::filesystem::path WriteFile(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path dir_;
};

// Starts `args` (args[0] is the program's path) with stdin from /dev/null, stdout
// and stderr into the files `out` and `err`, and CAIRN_HOME set to `home` unless it
// is empty; returns its pid without waiting (for servers and interrupted runs).
pid_t SpawnProcess(const std::vector<std::string>& args, const std::filesystem::path& out,
                   const std::filesystem::path& err, const std::filesystem::path& home = {});
// The whole content of a file ("" when it cannot be read).
std::string ReadAll(const std::filesystem::path& file);

// Waits for a process from SpawnProcess: its exit status, or -1 when a signal ended it.
int WaitForExit(pid_t pid);

// The first line of `text` that contains `needle`, or "" when none does.
std::string LineWith(const std::string& text, const std::string& needle);

}  // namespace cairn::testing
