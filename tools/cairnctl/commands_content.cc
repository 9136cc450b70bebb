// Content packs: importing one, listing what is installed.
#include <iostream>

#include "cairn/agent/pack.h"
#include "commands.h"
#include "human.h"
#include "session.h"

namespace cairn::cli {
namespace {

using nlohmann::json;

Status Import(const Args& args) {
  // Check the file before taking the store: a bad pack never touches it.
  CAIRN_ASSIGN_OR_RETURN(Pack pack, ReadPack(args.Get1("file")));
  if (args.Has("check")) {
    std::cout << "The pack " << pack.id << " " << pack.version
              << " is well-formed: " << Count(pack.competencies, "competency", "competencies")
              << ", " << Count(pack.lessons, "lesson") << ", " << Count(pack.items, "item")
              << ".\n";
    return Status::Ok();
  }
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  CAIRN_ASSIGN_OR_RETURN(PackImport result, ImportPack(*session.store, pack));
  if (result.already_present) {
    std::cout << "The pack " << pack.id << " " << pack.version
              << " is already imported (same content); nothing to do.\n";
    return Status::Ok();
  }
  std::cout << "Imported " << Quote(pack.title) << " (" << pack.id << " " << pack.version
            << "): " << Count(pack.competencies, "competency", "competencies") << ", "
            << Count(pack.lessons, "lesson") << ", " << Count(pack.items, "item") << "\n"
            << "  sha256 " << pack.content_hash << "\n";
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
  t.Add({"ID", "VERSION", "TITLE", "LESSONS", "LICENSE"});
  for (const json& p : packs) {
    std::string id = p.at("pack");
    CAIRN_ASSIGN_OR_RETURN(std::vector<json> lessons, store.EntitiesWhere("lesson", "pack", id));
    t.Add({id, p.value("version", ""), p.value("title", ""), std::to_string(lessons.size()),
           p.value("license", "")});
  }
  std::cout << t.Render();
  return Status::Ok();
}

}  // namespace

void AddContentCommands(std::vector<Command>& out) {
  out.push_back({"pack import",
                 "import a content pack (competencies, lessons, items) from a JSON file",
                 {{"file", "the pack file (format: agent/CONTENT.md)"}},
                 {{"check", "", "only check the file; change nothing"}},
                 "The whole pack is checked first; if anything is wrong, every problem is\n"
                 "listed with its place in the file and nothing is imported.\n\n"
                 "Example:\n  cairnctl pack import content/sample-fractions.json",
                 Import});
  out.push_back({"pack list", "list the content packs in the store", {}, {}, "", List});
}

}  // namespace cairn::cli
