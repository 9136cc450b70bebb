// Content packs: versioned, content-addressed bundles of competencies, lessons and
// items (agent/CONTENT.md describes the file format). Importing one appends its
// pack, competency, lesson and item ops to the store in one transaction.
#pragma once

#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/agent/store.h"
#include "cairn/platform/status.h"

namespace cairn {

// A pack file, parsed and checked, as the ops that will record it.
struct Pack {
  std::string id;
  std::string version;
  std::string title;
  std::string content_hash;  // SHA-256 of the file's bytes, hex
  size_t competencies = 0;
  size_t lessons = 0;
  size_t items = 0;
  // (kind, body) in the order they are appended: competencies, lessons, items,
  // and the pack op last.
  std::vector<std::pair<std::string, nlohmann::json>> ops;
};

// Files larger than this are refused before parsing (bounded memory).
constexpr size_t kMaxPackBytes = 16 * 1024 * 1024;

// Parses and checks a pack file's text. Every problem found is reported, each
// with its JSON path ("$.lessons[1].items[0]: no answer"), one per line of the
// error's message, as kInvalidArgument. Nothing is returned unless all is well.
Result<Pack> ParsePack(std::string_view text);

// Reads `file` and parses it (kNotFound, kIoError, or as ParsePack).
Result<Pack> ReadPack(const std::filesystem::path& file);

struct PackImport {
  size_t ops = 0;                // ops appended
  bool already_present = false;  // the same file (content hash) was imported before
};

// Records `pack` in `store`: all its ops in one transaction, or nothing. A pack
// whose id and content hash are already stored is left alone (already_present).
// On an enrolled device, packs come from the school server (kFailedPrecondition).
Result<PackImport> ImportPack(Store& store, const Pack& pack);

}  // namespace cairn
