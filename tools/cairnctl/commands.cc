#include "commands.h"

namespace cairn::cli {

const std::vector<Command>& AllCommands() {
  static const std::vector<Command> commands = [] {
    std::vector<Command> all;
    AddSetupCommands(all);
    AddRosterCommands(all);
    AddRecordCommands(all);
    AddProfileCommands(all);
    AddContentCommands(all);
    AddReportCommands(all);
    AddLogCommands(all);
    AddDoctorCommand(all);
    return all;
  }();
  return commands;
}

}  // namespace cairn::cli
