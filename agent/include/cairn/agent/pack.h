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
  std::string language;
  std::string content_hash;  // SHA-256 of the file's bytes, hex
  size_t competencies = 0;
  size_t lessons = 0;
  size_t items = 0;
  // (kind, body) in the order they are appended: competencies, lessons, items,
  // and the pack op last.
  std::vector<std::pair<std::string, nlohmann::json>> ops;
  // Where each op comes from in the file (a JSON path such as "$.lessons[0]"),
  // aligned with `ops`.
  std::vector<std::string> sources;
};

// Files larger than this are refused before parsing (bounded memory).
constexpr size_t kMaxPackBytes = 16 * 1024 * 1024;

// Parses and checks a pack file's text. Every problem found is reported, each
// with its JSON path, one per line of the error's message (kInvalidArgument):
//   the pack has 2 problems:
//     $.competencies[1].prerequisites[0]: unknown prerequisite 'frac.whole' ...
//     $.lessons[0].items[3]: no answer (every item needs "answer")
// Nothing is returned unless all is well. Pure: touches no store.
Result<Pack> ParsePack(std::string_view text);

// Reads `file` and parses it: kNotFound, kIoError, or as ParsePack with the
// file's name in front of the message.
Result<Pack> ReadPack(const std::filesystem::path& file);

struct PackImport {
  size_t ops = 0;                // ops appended
  bool already_present = false;  // the same file (content hash) was imported before
  // Competencies, lessons and items of an earlier version of the pack that this
  // version no longer has: kept, with their evidence, and marked retired.
  size_t retired_competencies = 0;
  size_t retired_lessons = 0;
  size_t retired_items = 0;
};

// Records `pack` in `store`: all its ops in one transaction, or nothing.
// - The same file (pack id and content hash) already stored: nothing to do
//   (already_present).
// - Another version of the pack stored: this one is recorded over it, field by
//   field. Nothing is deleted: whatever the earlier version had and this one
//   does not is marked `retired`, and evidence about it keeps counting; what
//   comes back in a later version is un-retired.
// - An id of this pack's competencies, lessons or items that already belongs to
//   another pack in the store: kInvalidArgument naming each one by its JSON path,
//   and nothing is stored.
// On an enrolled device, packs come from the school server (kFailedPrecondition).
Result<PackImport> ImportPack(Store& store, const Pack& pack);

}  // namespace cairn
