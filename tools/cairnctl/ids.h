// New record ids that people can read and type: a slug of the name plus a short
// random suffix ("ada-lovelace-7f3k"), unique in the store.
#pragma once

#include <string>
#include <string_view>

#include "cairn/agent/store.h"
#include "cairn/platform/status.h"

namespace cairn::cli {

// "Ada Lovelace" -> "ada-lovelace": lower-case ASCII letters and digits joined by
// dashes, at most 40 bytes; empty when the name has none.
std::string Slug(std::string_view name);

// The id for a new record of `kind`: `given` when not empty (checked: well-formed,
// not taken), else Slug(name) (or the kind) plus a random suffix not yet taken.
Result<std::string> NewId(const Store& store, std::string_view kind, std::string_view given,
                          std::string_view name);

}  // namespace cairn::cli
