// Every cairnctl command. Each commands_<topic>.cc declares its own; main.cc
// dispatches to them.
#pragma once

#include <vector>

#include "cairn/cli/args.h"

namespace cairn::cli {

void AddSetupCommands(std::vector<Command>& out);    // init
void AddStatusCommands(std::vector<Command>& out);   // status, schema
void AddDoctorCommand(std::vector<Command>& out);    // doctor
void AddConfigCommand(std::vector<Command>& out);    // config
void AddImageCommand(std::vector<Command>& out);     // prepare-image
void AddRosterCommands(std::vector<Command>& out);   // school/class/learner/teacher
void AddRecordCommands(std::vector<Command>& out);   // record attempt|observation|retract
void AddProfileCommands(std::vector<Command>& out);  // profile set, goal set|checkin
void AddReportCommands(std::vector<Command>& out);   // learner show, export
void AddContentCommands(std::vector<Command>& out);  // pack import|validate|list
void AddLogCommands(std::vector<Command>& out);      // ops
void AddMasteryCommands(std::vector<Command>& out);  // mastery, model fit|show
void AddLearnerProfileCommands(std::vector<Command>& out);  // profile [show] LEARNER
void AddPathCommands(std::vector<Command>& out);            // next
void AddClassReportCommands(std::vector<Command>& out);     // class-report
void AddSyncCommands(std::vector<Command>& out);            // enroll, sync

// `cairnctl enroll LEARNER... --class CLASS [--remove]` (commands_roster.cc); the
// `enroll` command itself (commands_sync.cc) also enrolls the device.
Status EnrollLearners(const std::vector<std::string>& learners, const std::string& class_ref,
                      bool remove);

// All of them, in the order `cairnctl --help` lists them.
const std::vector<Command>& AllCommands();

}  // namespace cairn::cli
