#include "cli/cairnctl_runner.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace cairn::testing {
namespace fs = std::filesystem;

std::string ReadAll(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

CairnctlHome::CairnctlHome() {
  std::string pattern = (fs::temp_directory_path() / "cairnctl-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
}

CairnctlHome::~CairnctlHome() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

pid_t SpawnProcess(const std::vector<std::string>& args, const fs::path& out,
                   const fs::path& err, const fs::path& home) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    if (!home.empty() && std::string_view(*e).starts_with("CAIRN_HOME=")) continue;
    env_strings.emplace_back(*e);
  }
  if (!home.empty()) env_strings.push_back("CAIRN_HOME=" + home.string());
  std::vector<char*> env;
  for (std::string& s : env_strings) env.push_back(s.data());
  env.push_back(nullptr);
  std::vector<std::string> argv_strings = args;
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + args[0]);
  return pid;
}

int WaitForExit(pid_t pid) {
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0) {
  }
  return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
}

Run CairnctlHome::operator()(const std::vector<std::string>& args) const {
  fs::path out_file = dir_ / "stdout.txt", err_file = dir_ / "stderr.txt";
  std::vector<std::string> argv = {CAIRNCTL_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  Run run;
  run.status = WaitForExit(SpawnProcess(argv, out_file, err_file, dir_));
  run.out = ReadAll(out_file);
  run.err = ReadAll(err_file);
  return run;
}

fs::path CairnctlHome::WriteFile(const std::string& name, const std::string& text) const {
  fs::path file = dir_ / name;
  std::ofstream(file, std::ios::binary) << text;
  return file;
}

std::string LineWith(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(needle) != std::string::npos) return line;
  }
  return "";
}

}  // namespace cairn::testing
