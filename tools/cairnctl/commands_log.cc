// `ops`: the op log, for people (a table) or programs (JSON lines).
#include <iostream>

#include "commands.h"
#include "human.h"
#include "session.h"

namespace cairn::cli {
namespace {

using nlohmann::json;

Status PrintOps(const Args& args) {
  uint64_t cursor = 0;
  int64_t limit = 0;
  if (args.Has("since")) {
    CAIRN_ASSIGN_OR_RETURN(int64_t since, args.Int("since", 0, INT64_MAX));
    cursor = static_cast<uint64_t>(since);
  }
  if (args.Has("limit")) {
    CAIRN_ASSIGN_OR_RETURN(limit, args.Int("limit", 1, 1'000'000'000));
  }
  bool as_json = args.Has("json");
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  const Store& store = *session.store;
  Table table;
  table.Add({"CURSOR", "TIME", "OP", "KIND", "BODY"});
  int64_t shown = 0;
  bool more = false;
  // One op per read, so that each comes with its cursor (its local commit number).
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(OpsPage page, store.OpsSince(cursor, 1));
    if (page.ops.empty()) break;
    if (limit > 0 && shown == limit) {
      more = true;
      break;
    }
    const Op& op = page.ops.front();
    cursor = page.next_cursor;
    ++shown;
    if (as_json) {
      json j = OpToJson(op);
      j["cursor"] = cursor;
      std::cout << j.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
      continue;
    }
    table.Add({std::to_string(cursor), FormatHlc(op.hlc), op.id().ToString(), op.kind,
               op.body.dump(-1, ' ', false, json::error_handler_t::replace)});
  }
  if (as_json) return Status::Ok();
  if (shown == 0) {
    std::cout << "No ops after cursor " << cursor << ".\n";
    return Status::Ok();
  }
  std::cout << table.Render();
  if (more) std::cout << "(more: `cairnctl ops --since " << cursor << "`)\n";
  return Status::Ok();
}

}  // namespace

void AddLogCommands(std::vector<Command>& out) {
  out.push_back({"ops",
                 "print the op log (every fact recorded, oldest first)",
                 {},
                 {{"since", "N", "only ops after cursor N (as printed in the CURSOR column)"},
                  {"limit", "N", "at most N ops"},
                  {"json", "", "one JSON object per line, with its \"cursor\""}},
                 "OP is origin:seq, the op's identity on every device and server.\n\n"
                 "Example:\n  cairnctl ops --since 40 --limit 10",
                 PrintOps});
}

}  // namespace cairn::cli
