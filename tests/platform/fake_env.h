// An environment for tests: variables from a map instead of the process's.
#pragma once

#include <map>
#include <string>

#include "cairn/platform/paths.h"

namespace cairn::testing {

inline EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

}  // namespace cairn::testing
