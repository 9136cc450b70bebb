// init, status, schema: setting up a store and saying what it holds.
#include <filesystem>
#include <iostream>

#include "cairn/agent/kinds.h"
#include "cairn/platform/origin.h"
#include "cairn/sync/client/device_identity.h"
#include "commands.h"
#include "human.h"
#include "ids.h"
#include "resolve.h"
#include "session.h"
#include "sync_status.h"

namespace cairn::cli {
namespace {

Status Init(const Args& args) {
  if (!args.Has("standalone")) {
    return UsageError(
        "pass --standalone: for now Cairn sets up standalone classrooms only (the device "
        "is its own authority); enrolling with a school server comes with cairn-server");
  }
  CAIRN_ASSIGN_OR_RETURN(std::string school_name, args.Name("school"));
  // Checked before anything is created, so a bad name leaves no half-made store.
  CAIRN_RETURN_IF_ERROR(ValidateBody(
      *FindKind("school"), {{"school", args.Get("school-id", "school")}, {"name", school_name}}));
  CAIRN_ASSIGN_OR_RETURN(Session session, CreateSession());
  Store& store = *session.store;
  if (store.initialized()) {
    return Status::FailedPrecondition(
        "a store is already set up here (device " + store.self().Hex() + ", " +
        std::string(StoreModeName(store.mode())) + ", " + session.store_file.string() +
        "); `cairnctl status` shows it. To start over, move that file aside first.");
  }
  // A device id left by a store that is gone belongs to ops this store will never
  // hold; reusing it would number new ops from 1 again under the same id.
  std::error_code ec;
  std::filesystem::remove(sync::OriginFile(session.paths.data), ec);
  CAIRN_ASSIGN_OR_RETURN(Origin self, LoadOrCreateOrigin(sync::OriginFile(session.paths.data)));
  CAIRN_RETURN_IF_ERROR(store.Initialize(self, StoreMode::kStandalone));
  CAIRN_ASSIGN_OR_RETURN(std::string school_id,
                         NewId(store, "school", args.Get("school-id"), school_name));
  CAIRN_RETURN_IF_ERROR(
      store.Append("school", {{"school", school_id}, {"name", school_name}}).status());
  std::cout << "Set up a standalone Cairn classroom.\n"
            << "  store   " << session.store_file.string() << "\n"
            << "  device  " << self.Hex() << "\n"
            << "  school  " << school_name << " (" << school_id << ")\n"
            << "Next: `cairnctl teacher add NAME`, `cairnctl class add NAME`, "
               "`cairnctl learner add NAME`.\n";
  return Status::Ok();
}

Result<size_t> CountOf(const Store& store, std::string_view kind) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<nlohmann::json> all, store.Entities(kind));
  return all.size();
}

Status ShowStatus(const Args&) {
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  const Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(StoreStats stats, store.Stats());
  CAIRN_ASSIGN_OR_RETURN(std::vector<nlohmann::json> schools, store.Entities("school"));
  auto n = [&](std::string_view kind) -> Result<size_t> { return CountOf(store, kind); };
  auto evidence = [&](const char* kind) {
    auto it = stats.ops_by_kind.find(kind);
    return it == stats.ops_by_kind.end() ? uint64_t{0} : it->second;
  };
  struct Noun {
    const char* kind;
    const char* one;
    const char* many;
  };
  auto counts = [&](std::initializer_list<Noun> nouns) -> Result<std::string> {
    std::string out;
    for (const Noun& noun : nouns) {
      CAIRN_ASSIGN_OR_RETURN(size_t count, n(noun.kind));
      out += (out.empty() ? "" : ", ") + Count(count, noun.one, noun.many);
    }
    return out;
  };
  CAIRN_ASSIGN_OR_RETURN(std::string roster, counts({{"class", "class", "classes"},
                                                     {"learner", "learner", ""},
                                                     {"teacher", "teacher", ""}}));
  CAIRN_ASSIGN_OR_RETURN(std::string content, counts({{"pack", "pack", ""},
                                                      {"competency", "competency", "competencies"},
                                                      {"lesson", "lesson", ""},
                                                      {"item", "item", ""}}));
  std::string school;
  for (const auto& s : schools) {
    school += (school.empty() ? "" : "; ") + DisplayName("school", s) + " (" +
              s.at("school").get<std::string>() + ")";
  }
  Table t;
  t.Add({"device", store.self().Hex()});
  t.Add({"mode", std::string(StoreModeName(stats.mode)) +
                     (stats.authority ? ", school server " + stats.authority->Hex() : "")});
  t.Add({"store", session.store_file.string() + " (" + FormatBytes(stats.file_bytes) + ", schema " +
                      std::to_string(stats.schema_version) + ")"});
  t.Add({"school", school.empty() ? "(none)" : school});
  t.Add({"roster", roster});
  t.Add({"content", content});
  t.Add({"evidence", Count(evidence("attempt"), "attempt") + ", " +
                         Count(evidence("observation"), "observation") + ", " +
                         Count(evidence("goal_checkin"), "goal check-in") + ", " +
                         Count(evidence("retract"), "retraction")});
  t.Add({"ops", std::to_string(stats.total_ops) + " in the log, " + std::to_string(stats.own_ops) +
                    " written on this device"});
  t.Add({"clock", FormatHlc(stats.hlc)});
  AddSyncStatusRows(session.paths.data, store, t);
  std::cout << t.Render();
  return Status::Ok();
}

Status Schema(const Args&) {
  std::cout << KindsMarkdown();
  return Status::Ok();
}

}  // namespace

void AddSetupCommands(std::vector<Command>& out) {
  out.push_back({"init",
                 "set up this device's store as a standalone classroom",
                 {},
                 {{"standalone", "", "the device is its own authority (no school server)"},
                  {"school", "NAME", "the school's name", true},
                  {"school-id", "ID", "the school's id (default: made from the name)"}},
                 "Creates the store and a new random device id under $CAIRN_HOME (or the XDG\n"
                 "data directory), then records the school.\n\n"
                 "Example:\n  cairnctl init --standalone --school \"Riverside Elementary\"",
                 Init});
}

void AddStatusCommands(std::vector<Command>& out) {
  out.push_back(
      {"status", "device id, mode, what the store holds, and its clock", {}, {}, "", ShowStatus});
  out.push_back({"schema",
                 "print every op kind and its fields (Markdown, as in agent/SCHEMA.md)",
                 {},
                 {},
                 "",
                 Schema});
}

}  // namespace cairn::cli
