#include "ids.h"

#include <cctype>

#include "cairn/agent/kinds.h"
#include "cairn/platform/origin.h"

namespace cairn::cli {
namespace {

// Four characters from the kernel's CSPRNG; no vowels, so no accidental words.
std::string RandomSuffix() {
  static constexpr std::string_view kAlphabet = "bcdfghjkmnpqrstvwxz23456789";
  Origin random = Origin::Random();  // 16 random bytes
  std::string out;
  for (size_t i = 0; i < 4; ++i) out += kAlphabet[random.bytes[i] % kAlphabet.size()];
  return out;
}

Result<bool> Taken(const Store& store, std::string_view kind, std::string_view id) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<nlohmann::json> found, store.Entity(kind, id));
  return found.has_value();
}

}  // namespace

std::string Slug(std::string_view name) {
  std::string out;
  bool dash = false;
  for (unsigned char c : name) {
    if (std::isalnum(c) && c < 0x80) {
      if (dash && !out.empty()) out += '-';
      dash = false;
      out += static_cast<char>(std::tolower(c));
      if (out.size() >= 40) break;
    } else {
      dash = true;
    }
  }
  return out;
}

Result<std::string> NewId(const Store& store, std::string_view kind, std::string_view given,
                          std::string_view name) {
  if (!given.empty()) {
    CAIRN_RETURN_IF_ERROR(ValidateId(given, "--id"));
    CAIRN_ASSIGN_OR_RETURN(bool taken, Taken(store, kind, given));
    if (taken) {
      return Status::FailedPrecondition("a " + std::string(kind) + " with id '" +
                                        std::string(given) + "' already exists");
    }
    return std::string(given);
  }
  std::string stem = Slug(name);
  if (stem.empty()) stem = std::string(kind);
  for (int attempt = 0; attempt < 20; ++attempt) {
    std::string id = stem + "-" + RandomSuffix();
    CAIRN_ASSIGN_OR_RETURN(bool taken, Taken(store, kind, id));
    if (!taken) return id;
  }
  return Status::FailedPrecondition("could not find a free id for " + std::string(name) +
                                    "; give one with --id");
}

}  // namespace cairn::cli
