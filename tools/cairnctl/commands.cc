#include "commands.h"

#include <algorithm>
#include <string_view>

namespace cairn::cli {

const std::vector<Command>& AllCommands() {
  static const std::vector<Command> commands = [] {
    std::vector<Command> all;
    AddSetupCommands(all);
    AddSyncCommands(all);
    AddRosterCommands(all);
    AddRecordCommands(all);
    AddProfileCommands(all);
    AddContentCommands(all);
    AddReportCommands(all);
    AddMasteryCommands(all);
    AddLearnerProfileCommands(all);
    AddPathCommands(all);
    AddClassReportCommands(all);
    AddLogCommands(all);
    AddStatusCommands(all);
    AddDoctorCommand(all);
    AddConfigCommand(all);
    AddImageCommand(all);
    // Keep each group together ("learner add", "learner list", "learner show"), in the
    // order groups first appear.
    std::vector<std::string_view> groups;
    auto group_of = [&](const Command& c) {
      std::string_view first = c.path.substr(0, c.path.find(' '));
      auto it = std::find(groups.begin(), groups.end(), first);
      if (it == groups.end()) it = groups.insert(groups.end(), first);
      return it - groups.begin();
    };
    for (const Command& c : all) group_of(c);
    std::stable_sort(all.begin(), all.end(),
                     [&](const Command& a, const Command& b) { return group_of(a) < group_of(b); });
    return all;
  }();
  return commands;
}

}  // namespace cairn::cli
