// Content packs: checking one, importing it, listing what is installed.
#include <iostream>

#include "cairn/agent/blob_store.h"
#include "cairn/agent/pack.h"
#include "commands.h"
#include "human.h"
#include "session.h"

namespace cairn::cli {
namespace {

using nlohmann::json;

std::string Summary(const Pack& pack) {
  return Count(pack.competencies, "competency", "competencies") + ", " +
         Count(pack.lessons, "lesson") + ", " + Count(pack.items, "item");
}

Status Validate(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(Pack pack, ReadPack(args.Get1("file")));
  std::cout << args.Get1("file") << " is a valid pack: " << pack.id << " " << pack.version << " ("
            << pack.language << "), " << Summary(pack) << "\n"
            << "  sha256 " << pack.content_hash << "\n";
  return Status::Ok();
}

Status Import(const Args& args) {
  if (args.Has("check")) return Validate(args);
  // Check the file before taking the store: a bad pack never touches it.
  Result<Pack> read = ReadPack(args.Get1("file"));
  if (!read.ok()) {
    if (read.status().code() != Status::Code::kInvalidArgument) return read.status();
    return Status::InvalidArgument(read.status().message() + "\nNothing was imported.");
  }
  const Pack& pack = *read;
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  Result<PackImport> imported = ImportPack(*session.store, pack);
  if (!imported.ok()) {
    if (imported.status().code() != Status::Code::kInvalidArgument) return imported.status();
    return Status::InvalidArgument(imported.status().message() + "\nNothing was imported.");
  }
  const PackImport& result = *imported;
  if (result.already_present) {
    std::cout << "The pack " << pack.id << " " << pack.version
              << " is already imported (same content); nothing to do.\n";
    return Status::Ok();
  }
  std::cout << "Imported " << Quote(pack.title) << " (" << pack.id << " " << pack.version << ", "
            << pack.language << "): " << Summary(pack) << "\n"
            << "  sha256 " << pack.content_hash << "\n";
  size_t retired = result.retired_competencies + result.retired_lessons + result.retired_items;
  if (retired > 0) {
    std::cout << "  No longer in this version, kept and marked retired (their evidence still "
                 "counts): "
              << Count(result.retired_competencies, "competency", "competencies") << ", "
              << Count(result.retired_lessons, "lesson") << ", "
              << Count(result.retired_items, "item") << "\n";
  }
  return Status::Ok();
}

Status List(const Args&) {
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  const Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> packs, store.Entities("pack"));
  if (packs.empty()) {
    std::cout << "No content packs yet; add one with `cairnctl pack import FILE`.\n";
    return Status::Ok();
  }
  Table t;
  t.Add({"ID", "VERSION", "LANGUAGE", "TITLE", "LESSONS", "LICENSE"});
  for (const json& p : packs) {
    std::string id = p.at("pack");
    CAIRN_ASSIGN_OR_RETURN(std::vector<json> lessons, store.EntitiesWhere("lesson", "pack", id));
    size_t current = 0;  // lessons a newer version retired are not counted
    for (const json& l : lessons) current += l.value("retired", false) ? 0 : 1;
    t.Add({id, p.value("version", ""), p.value("language", ""), p.value("title", ""),
           std::to_string(current), p.value("license", "")});
  }
  std::cout << t.Render();
  return Status::Ok();
}

// The file of a pack as it was published, from this device's blobs (an enrolled
// device fetches it when it syncs on a link that is not metered), checked by
// its SHA-256: a teacher carries it to a classroom with no server (`pack import`).
Status Export(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  std::string id = args.Get1("pack");
  CAIRN_ASSIGN_OR_RETURN(std::optional<json> pack, session.store->Entity("pack", id));
  if (!pack) return Status::NotFound("no pack " + id + " here; `cairnctl pack list` shows them");
  std::string hash = pack->value("content_hash", "");
  BlobStore blobs(BlobStoreDir(session.paths.data));
  if (hash.empty() || !blobs.Has(hash)) {
    return Status::Unavailable("the file of pack " + id +
                               " is not on this device yet; `cairnctl sync` fetches it on a "
                               "network that is not metered");
  }
  CAIRN_RETURN_IF_ERROR(blobs.CopyOut(hash, args.Get1("file")));
  std::cout << "Wrote " << id << " " << pack->value("version", "") << " to " << args.Get1("file")
            << " (sha256 " << hash << ")\n";
  return Status::Ok();
}

}  // namespace

void AddContentCommands(std::vector<Command>& out) {
  out.push_back(
      {"pack import",
       "import a content pack (competencies, lessons, items) from a JSON file",
       {{"file", "the pack file (format: agent/CONTENT.md)"}},
       {{"check", "", "only check the file, as `pack validate` does; change nothing"}},
       "The whole pack is checked first; if anything is wrong, every problem is\n"
       "listed with its place in the file and nothing is imported. Importing the\n"
       "same file again changes nothing. A new version of a pack is recorded over\n"
       "the old one; what it no longer has is kept, marked retired, with its evidence.\n\n"
       "Example:\n  cairnctl pack import content/math-fractions-place-value.en.json",
       Import});
  out.push_back({"pack validate",
                 "check a content pack file and list every problem in it; change nothing",
                 {{"file", "the pack file (format: agent/CONTENT.md)"}},
                 {},
                 "Exit status 0 when the pack is valid, 2 when it has problems (each listed\n"
                 "with its JSON path, e.g. $.lessons[0].items[3].answer). Needs no store.\n\n"
                 "Example:\n  cairnctl pack validate content/reading-main-idea.en.json",
                 Validate});
  out.push_back({"pack list", "list the content packs in the store", {}, {}, "", List});
  out.push_back({"pack export",
                 "write a pack's file as the school published it (to import elsewhere)",
                 {{"pack", "the pack id (`pack list`)"}, {"file", "where to write it"}},
                 {},
                 "An enrolled device fetches each pack's file from the school server (on a\n"
                 "link that is not metered) and checks it by its SHA-256. Exported, it sets up\n"
                 "a classroom without a server: `cairnctl pack import FILE` there.\n\n"
                 "Example:\n  cairnctl pack export math-fractions fractions.json",
                 Export});
}

}  // namespace cairn::cli
