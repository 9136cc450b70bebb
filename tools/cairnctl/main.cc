// cairnctl: the device agent's command line (DESIGN.md, programs).
//
// Exit status: 0 done; 1 the store or the system refused (missing store, store in
// use, damaged file, a record not found); 2 the command line or its input was wrong;
// 3 the school server could not be reached or asked to wait (sync, enroll).
#include "cairn/cli/program.h"
#include "commands.h"

int main(int argc, char** argv) {
  const cairn::cli::Program cairnctl{
      "cairnctl",
      "The Cairn device agent's command line: set up a standalone classroom, record\n"
      "learners' work, import content, and look after the store.",
      "The store lives in $CAIRN_HOME/data when CAIRN_HOME is set, else in\n"
      "$XDG_DATA_HOME/cairn (~/.local/share/cairn).\n"
      "Exit status: 0 done, 1 the store or system refused, 2 bad command line or input,\n"
      "3 the school server could not be reached or asked to wait (the work is saved).\n",
      &cairn::cli::AllCommands(), nullptr};
  return cairn::cli::RunProgram(cairnctl, std::vector<std::string>(argv + 1, argv + argc));
}
