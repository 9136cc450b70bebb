#include "resolve.h"

#include <vector>

namespace cairn::cli {
namespace {

std::string Field(const nlohmann::json& record, const char* name) {
  auto it = record.find(name);
  return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Every name a record answers to besides its id.
std::vector<std::string> NamesOf(std::string_view kind, const nlohmann::json& record) {
  std::vector<std::string> names;
  auto add = [&](std::string name) {
    if (!name.empty()) names.push_back(std::move(name));
  };
  if (kind == "learner") {
    add(Field(record, "display_name"));
    std::string full = Field(record, "given_name");
    std::string family = Field(record, "family_name");
    if (!full.empty() && !family.empty()) full += " ";
    add(full + family);
  } else if (kind == "competency" || kind == "lesson" || kind == "pack") {
    add(Field(record, "title"));
  } else if (kind == "goal") {
    add(Field(record, "text"));
  } else {
    add(Field(record, "name"));
  }
  return names;
}

std::string_view KeyField(std::string_view kind) {
  const KindSpec* spec = FindKind(kind);
  return spec ? spec->fields.front().name : kind;
}

std::string ListCommand(std::string_view kind) {
  if (kind == "learner" || kind == "class" || kind == "teacher") {
    return "; `cairnctl " + std::string(kind) + " list` shows them";
  }
  if (kind == "item" || kind == "competency" || kind == "lesson") {
    return "; import the content pack that has it with `cairnctl pack import FILE`";
  }
  return "";
}

}  // namespace

Result<nlohmann::json> Resolve(const Store& store, std::string_view kind, std::string_view ref) {
  if (ref.empty()) return Status::InvalidArgument("an empty " + std::string(kind) + " name");
  CAIRN_ASSIGN_OR_RETURN(std::optional<nlohmann::json> by_id, store.Entity(kind, ref));
  if (by_id) return *by_id;
  CAIRN_ASSIGN_OR_RETURN(std::vector<nlohmann::json> all, store.Entities(kind));
  std::vector<const nlohmann::json*> matches;
  for (const nlohmann::json& record : all) {
    for (const std::string& name : NamesOf(kind, record)) {
      if (name == ref) {
        matches.push_back(&record);
        break;
      }
    }
  }
  if (matches.size() == 1) return *matches.front();
  std::string key(KeyField(kind));
  if (matches.empty()) {
    return Status::NotFound("no " + std::string(kind) + " with id or name '" + std::string(ref) +
                            "'" + ListCommand(kind));
  }
  std::string ids;
  for (const nlohmann::json* m : matches) {
    ids += (ids.empty() ? "" : ", ") + m->at(key).get<std::string>();
  }
  return Status::FailedPrecondition(std::to_string(matches.size()) + " " + std::string(kind) +
                                    " records are named '" + std::string(ref) + "' (" + ids +
                                    "); use the id");
}

Result<std::string> ResolveId(const Store& store, std::string_view kind, std::string_view ref) {
  CAIRN_ASSIGN_OR_RETURN(nlohmann::json record, Resolve(store, kind, ref));
  return record.at(std::string(KeyField(kind))).get<std::string>();
}

std::string DisplayName(std::string_view kind, const nlohmann::json& record) {
  std::vector<std::string> names = NamesOf(kind, record);
  if (!names.empty()) return names.front();
  auto it = record.find(std::string(KeyField(kind)));
  return it != record.end() && it->is_string() ? it->get<std::string>() : std::string("?");
}

}  // namespace cairn::cli
