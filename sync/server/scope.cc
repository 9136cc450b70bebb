#include "scope.h"

#include <map>

#include "cairn/agent/kinds.h"

namespace cairn::server {
namespace {

using nlohmann::json;

// The learners, classes, groups and ops an op (or a stored entity) names.
struct Refs {
  std::set<std::string> learners;
  std::set<std::string> classes;
  std::set<std::string> groups;
  std::vector<std::string> targets;  // op ids: retract's target, supersedes

  bool empty() const {
    return learners.empty() && classes.empty() && groups.empty() && targets.empty();
  }
};

void AddId(const json& body, const char* field, std::set<std::string>& into) {
  auto it = body.find(field);
  if (it != body.end() && it->is_string()) into.insert(it->get<std::string>());
}

void AddIds(const json& body, const char* field, std::set<std::string>& into) {
  auto it = body.find(field);
  if (it == body.end() || !it->is_array()) return;
  for (const json& v : *it) {
    if (v.is_string()) into.insert(v.get<std::string>());
  }
}

void Collect(const json& body, std::string_view kind, Refs& refs) {
  AddId(body, "learner", refs.learners);
  AddIds(body, "learners", refs.learners);
  AddIds(body, "members", refs.learners);
  AddId(body, "class", refs.classes);
  // A group's own key is not a reference to a group elsewhere.
  if (kind != "group") AddId(body, "group", refs.groups);
  for (const char* f : {"target", "supersedes"}) {
    auto it = body.find(f);
    if (it != body.end() && it->is_string()) refs.targets.push_back(it->get<std::string>());
  }
}

// What an op names, plus, for a last-writer-wins kind, what its entity already
// names: a goal op that changes only the text is still about the goal's learner.
Result<Refs> RefsOf(ServerStorage& storage, const Op& op, const KindSpec& spec) {
  Refs refs;
  Collect(op.body, op.kind, refs);
  if (spec.merge == MergeRule::kLastWriterWins && spec.key_fields == 1) {
    auto key = op.body.find(std::string(spec.fields[0].name));
    if (key != op.body.end() && key->is_string()) {
      CAIRN_ASSIGN_OR_RETURN(std::optional<json> stored,
                             storage.Entity(spec.entity, key->get<std::string>()));
      if (stored) Collect(*stored, op.kind, refs);
    }
  }
  return refs;
}

bool IsPublicServerKind(std::string_view kind) {
  return kind == "school" || kind == "teacher" || kind == "pack" || kind == "competency" ||
         kind == "lesson" || kind == "item" || kind == "mastery_params";
}

class Authorizer {
 public:
  Authorizer(ServerStorage& storage, const Scope& scope, const std::vector<Op>& batch)
      : storage_(storage), scope_(scope), batch_(batch) {}

  // Empty when allowed, else why not.
  Result<std::string> Check(const Op& op) {
    if (op.origin != scope_.origin) {
      return std::string("its origin is not this device's: a device writes only its own ops");
    }
    const KindSpec* spec = FindKind(op.kind);
    if (!spec) return std::string("unknown kind");
    if (spec->writers == Writers::kServer) {
      return op.kind + " records are written by the school server only";
    }
    if (spec->writers == Writers::kTeacherDevice && scope_.role != DeviceRole::kTeacherDevice) {
      return "a student device may not write " + op.kind + " records";
    }
    CAIRN_ASSIGN_OR_RETURN(Refs refs, RefsOf(storage_, op, *spec));
    if (refs.empty()) {
      return op.kind + " names no learner or class; the server cannot tell whose it is";
    }
    CAIRN_ASSIGN_OR_RETURN(std::string why, InScope(refs));
    if (!why.empty()) return why;
    for (const std::string& target : refs.targets) {
      CAIRN_ASSIGN_OR_RETURN(why, CheckTarget(target));
      if (!why.empty()) return why;
    }
    return std::string();
  }

 private:
  Result<std::string> InScope(const Refs& refs) {
    for (const std::string& l : refs.learners) {
      if (!scope_.learners_ever.count(l)) {
        return "learner " + l + " is not in this device's classes";
      }
    }
    for (const std::string& c : refs.classes) {
      if (!scope_.classes.count(c)) return "class " + c + " is not one of this device's classes";
    }
    for (const std::string& g : refs.groups) {
      std::string klass;
      for (const Op& op : batch_) {
        if (op.kind == "group" && op.body.value("group", "") == g) {
          klass = op.body.value("class", "");
        }
      }
      if (klass.empty()) {
        CAIRN_ASSIGN_OR_RETURN(std::optional<json> group, storage_.Entity("group", g));
        if (group) klass = group->value("class", "");
      }
      if (!scope_.classes.count(klass)) {
        return "group " + g + " is not a group of this device's classes";
      }
    }
    return std::string();
  }

  // A retract or a correction may name only ops in scope; a student device only its own.
  Result<std::string> CheckTarget(const std::string& target) {
    Result<OpId> id = OpId::Parse(target);
    if (!id.ok()) return "it names a malformed op id " + target;
    std::optional<Op> found;
    // Most batches name no other op: index the batch's ids only when one does.
    if (in_batch_.empty()) {
      for (const Op& op : batch_) in_batch_.emplace(op.id().ToString(), &op);
    }
    if (auto it = in_batch_.find(target); it != in_batch_.end()) {
      found = *it->second;
    } else {
      CAIRN_ASSIGN_OR_RETURN(found, storage_.FindOp(*id));
    }
    if (!found) return "it names op " + target + ", which the server does not have";
    if (scope_.role == DeviceRole::kStudentDevice && found->origin != scope_.origin) {
      return "a student device may correct or retract only its own ops, not " + target;
    }
    const KindSpec* spec = FindKind(found->kind);
    if (!spec || spec->merge != MergeRule::kGrowOnly || found->kind == "retract") {
      return "it names op " + target + ", which is not evidence";
    }
    Refs refs;
    Collect(found->body, found->kind, refs);
    refs.targets.clear();
    CAIRN_ASSIGN_OR_RETURN(std::string why, InScope(refs));
    if (!why.empty()) return "it names op " + target + " about which " + why;
    return std::string();
  }

  ServerStorage& storage_;
  const Scope& scope_;
  const std::vector<Op>& batch_;
  std::map<std::string, const Op*> in_batch_;  // by id, built on first use
};

bool AnyIn(const std::set<std::string>& names, const std::set<std::string>& scope) {
  for (const std::string& n : names) {
    if (scope.count(n)) return true;
  }
  return false;
}

}  // namespace

Result<Scope> LoadScope(ServerStorage& storage, const DeviceRecord& device) {
  Scope scope;
  scope.role = device.role;
  scope.origin = device.origin;
  scope.classes.insert(device.classes.begin(), device.classes.end());
  CAIRN_ASSIGN_OR_RETURN(scope.learners, storage.LearnersOf(device.classes, false));
  CAIRN_ASSIGN_OR_RETURN(scope.learners_ever, storage.LearnersOf(device.classes, true));
  return scope;
}

Result<std::optional<Refusal>> AuthorizePush(ServerStorage& storage, const Scope& scope,
                                             const std::vector<Op>& ops) {
  Authorizer authorizer(storage, scope, ops);
  for (const Op& op : ops) {
    CAIRN_ASSIGN_OR_RETURN(std::string why, authorizer.Check(op));
    if (!why.empty()) return std::optional<Refusal>(Refusal{op.id().ToString(), op.kind, why});
  }
  return std::optional<Refusal>();
}

Result<bool> Visible(ServerStorage& storage, const Scope& scope, const Op& op) {
  if (IsPublicServerKind(op.kind)) return true;
  if (op.kind == "class") return scope.classes.count(op.body.value("class", "")) > 0;
  if (op.kind == "learner") return scope.learners.count(op.body.value("learner", "")) > 0;
  if (op.kind == "enrollment" || op.kind == "class_teacher") {
    return scope.classes.count(op.body.value("class", "")) > 0;
  }
  // Most of a pull: an op about one of the device's learners, decided without
  // collecting what else it names (RefsOf also counts "learner").
  if (auto it = op.body.find("learner"); it != op.body.end() && it->is_string() &&
                                         scope.learners.count(it->get_ref<const std::string&>())) {
    return true;
  }
  const KindSpec* spec = FindKind(op.kind);
  if (!spec) return false;
  CAIRN_ASSIGN_OR_RETURN(Refs refs, RefsOf(storage, op, *spec));
  if (AnyIn(refs.learners, scope.learners) || AnyIn(refs.classes, scope.classes)) return true;
  for (const std::string& g : refs.groups) {
    CAIRN_ASSIGN_OR_RETURN(std::optional<json> group, storage.Entity("group", g));
    if (group && scope.classes.count(group->value("class", ""))) return true;
  }
  for (const std::string& t : refs.targets) {
    Result<OpId> id = OpId::Parse(t);
    if (!id.ok()) continue;
    CAIRN_ASSIGN_OR_RETURN(std::optional<Op> target, storage.FindOp(*id));
    if (!target || target->kind == "retract") continue;
    Refs target_refs;
    Collect(target->body, target->kind, target_refs);
    if (AnyIn(target_refs.learners, scope.learners)) return true;
  }
  return false;
}

Result<bool> VisibleInBackfill(ServerStorage& storage, const std::string& learner, const Op& op) {
  if (IsPublicServerKind(op.kind) || op.kind == "class" || op.kind == "enrollment" ||
      op.kind == "class_teacher") {
    return false;
  }
  Scope just_them;
  just_them.learners = {learner};
  return Visible(storage, just_them, op);
}

}  // namespace cairn::server
