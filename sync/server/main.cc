// cairn-server: the school server (DESIGN.md, programs).
//
// Exit status: 0 done; 1 refused (data directory in use, a record not found, an
// expired token...); 2 the command line or its input file was wrong.
#include "admin_commands.h"
#include "cairn/cli/program.h"

int main(int argc, char** argv) {
  const cairn::cli::Program server{
      "cairn-server",
      "The Cairn school server: serves sync to enrolled devices and keeps the\n"
      "school's roster, content and enrollment tokens.",
      "Every command works on the data directory given by --data DIR (or the\n"
      "CAIRN_SERVER_DATA environment variable); while `serve` runs on it, only\n"
      "backup, devices and device revoke do (the others ask to stop it first).\n"
      "Exit status: 0 done, 1 refused, 2 bad command line or input.\n",
      &cairn::server::AllCommands(),
      // A roster or pack file that does not parse is the caller's input.
      [](const cairn::Status& s) { return s.code() == cairn::Status::Code::kInvalidArgument; }};
  return cairn::cli::RunProgram(server, std::vector<std::string>(argv + 1, argv + argc));
}
