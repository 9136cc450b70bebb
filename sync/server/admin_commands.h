// cairn-server's subcommands: serve, and the admin commands that work on the
// same data directory (school, class, teacher, learner, enroll, roster, pack,
// token, devices, device revoke).
#pragma once

#include <vector>

#include "cairn/cli/args.h"

namespace cairn::server {

const std::vector<cli::Command>& AllCommands();

}  // namespace cairn::server
