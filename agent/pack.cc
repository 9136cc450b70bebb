// Content pack parsing and import (agent/CONTENT.md).
#include "cairn/agent/pack.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

#include "cairn/agent/kinds.h"
#include "pack_checker.h"
#include "pack_items.h"
#include "sha256.h"

namespace cairn {
namespace {

using nlohmann::json;
using pack_internal::Checker;
using pack_internal::Element;
using pack_internal::KindTextLimit;
using pack_internal::Member;

void AddOp(Pack& pack, std::string kind, json body, std::string source) {
  pack.ops.emplace_back(std::move(kind), std::move(body));
  pack.sources.push_back(std::move(source));
}

// A BCP 47 tag as packs use them: a 2–3 letter language, then subtags of 1–8
// letters or digits ("en", "es-MX", "zh-Hant-TW", "es-419").
bool IsLanguageTag(std::string_view tag) {
  size_t start = 0;
  for (size_t part = 0;; ++part) {
    size_t end = tag.find('-', start);
    std::string_view sub = tag.substr(start, end == std::string_view::npos ? end : end - start);
    bool letters = std::all_of(sub.begin(), sub.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    });
    bool alnum = std::all_of(sub.begin(), sub.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    });
    if (part == 0 ? !(letters && sub.size() >= 2 && sub.size() <= 3)
                  : !(alnum && !sub.empty() && sub.size() <= 8)) {
      return false;
    }
    if (end == std::string_view::npos) return true;
    start = end + 1;
  }
}

// The competencies of a pack as the checks of prerequisites see them.
struct CompetencyGraph {
  std::vector<std::string> ids;                 // in file order ("" when unusable)
  std::vector<std::vector<std::string>> needs;  // prerequisites, as listed
  std::map<std::string, size_t> index;          // id -> first position
};

// Reports each circle of prerequisites once, spelled out, at the prerequisite
// that closes it. Iterative: a long chain in a hostile file cannot overflow the stack.
void CheckCycles(Checker& c, const CompetencyGraph& g) {
  enum State { kUnseen, kOnPath, kDone };
  std::vector<State> state(g.ids.size(), kUnseen);
  std::vector<size_t> position(g.ids.size(), 0);  // where on the path, while kOnPath
  for (size_t start = 0; start < g.ids.size(); ++start) {
    if (state[start] != kUnseen || g.ids[start].empty()) continue;
    std::vector<std::pair<size_t, size_t>> stack = {{start, 0}};  // (competency, next prerequisite)
    state[start] = kOnPath;
    position[start] = 0;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next >= g.needs[node].size()) {
        state[node] = kDone;
        stack.pop_back();
        continue;
      }
      size_t k = next++;
      auto found = g.index.find(g.needs[node][k]);
      if (found == g.index.end() || found->second == node) continue;  // reported elsewhere
      size_t p = found->second;
      if (state[p] == kOnPath) {
        // "a needs b, which needs c, which needs a"; a very long circle is cut short.
        constexpr size_t kShown = 10;
        std::string circle = g.ids[p];
        size_t length = stack.size() - position[p];  // competencies in the circle
        for (size_t s = position[p] + 1; s < stack.size(); ++s) {
          size_t step = s - position[p];
          if (step == kShown && length > kShown + 2) {
            circle += ", ... " + std::to_string(length - kShown - 1) + " more ...";
            s = stack.size() - 1;
          }
          circle += (step == 1 ? " needs " : ", which needs ") + g.ids[stack[s].first];
        }
        circle += (length == 1 ? " needs " : ", which needs ") + g.ids[p];
        c.Problem(Element(Member(Element("$.competencies", node), "prerequisites"), k),
                  "prerequisites go round in a circle: " + circle);
      } else if (state[p] == kUnseen) {
        state[p] = kOnPath;
        position[p] = stack.size();
        stack.emplace_back(p, 0);
      }
    }
  }
}

void ParseCompetencies(Checker& c, const json& root, Pack& pack, CompetencyGraph& g) {
  const json* list = c.List(root, "$", "competencies", true);
  if (!list) return;
  if (list->empty()) c.Problem("$.competencies", "a pack needs at least one competency");
  for (size_t i = 0; i < list->size(); ++i) {
    const json& comp = (*list)[i];
    std::string path = Element("$.competencies", i);
    g.ids.emplace_back();
    g.needs.emplace_back();
    if (!comp.is_object()) {
      c.Problem(path, "expected an object (a competency), got " + pack_internal::Describe(comp));
      continue;
    }
    c.OnlyFields(comp, path, {"id", "title", "description", "standard_code", "prerequisites"});
    std::optional<std::string> id = c.Id(comp, path, "id");
    if (id) {
      auto [at, first] = g.index.emplace(*id, i);
      if (first) {
        g.ids.back() = *id;
      } else {
        c.Problem(Member(path, "id"), "duplicate competency id '" + *id + "' (also at " +
                                          Element("$.competencies", at->second) + ")");
      }
    }
    json body = {{"competency", id.value_or("?")}, {"pack", pack.id}};
    auto text = [&](const char* field, bool required) {
      if (auto t = c.Text(comp, path, field, required, KindTextLimit("competency", field))) {
        body[field] = *t;
      }
    };
    text("title", true);
    text("description", false);
    text("standard_code", false);
    std::vector<std::string> needs = c.Ids(comp, path, "prerequisites", false);
    body["prerequisites"] = needs;
    g.needs.back() = std::move(needs);
    AddOp(pack, "competency", std::move(body), path);
  }
  for (size_t i = 0; i < g.ids.size(); ++i) {
    for (size_t k = 0; k < g.needs[i].size(); ++k) {
      const std::string& need = g.needs[i][k];
      std::string path = Element(Member(Element("$.competencies", i), "prerequisites"), k);
      auto found = g.index.find(need);
      if (found != g.index.end() && found->second == i) {
        c.Problem(path, "a competency cannot be its own prerequisite");
      } else if (found == g.index.end()) {
        c.Problem(path, "unknown prerequisite '" + need + "' (not a competency of this pack)");
      }
    }
  }
  CheckCycles(c, g);
  pack.competencies = list->size();
}

void ParseLessons(Checker& c, const json& root, Pack& pack, const CompetencyGraph& g) {
  const json* list = c.List(root, "$", "lessons", true);
  if (!list) return;
  if (list->empty()) c.Problem("$.lessons", "a pack needs at least one lesson");
  std::map<std::string, std::string> lesson_at, item_at;
  std::vector<std::pair<json, std::string>> items;  // appended after every lesson
  for (size_t i = 0; i < list->size(); ++i) {
    const json& lesson = (*list)[i];
    std::string path = Element("$.lessons", i);
    if (!lesson.is_object()) {
      c.Problem(path, "expected an object (a lesson), got " + pack_internal::Describe(lesson));
      continue;
    }
    c.OnlyFields(lesson, path,
                 {"id", "title", "competencies", "minutes", "modality", "passage", "items"});
    std::optional<std::string> id = c.Id(lesson, path, "id");
    if (id && !lesson_at.emplace(*id, path).second) {
      c.Problem(Member(path, "id"),
                "duplicate lesson id '" + *id + "' (also at " + lesson_at[*id] + ")");
    }
    json body = {{"lesson", id.value_or("?")}, {"pack", pack.id}};
    if (auto t = c.Text(lesson, path, "title", true, KindTextLimit("lesson", "title"))) {
      body["title"] = *t;
    }
    std::vector<std::string> comps = c.Ids(lesson, path, "competencies", true);
    if (lesson.contains("competencies") && lesson["competencies"].is_array() &&
        lesson["competencies"].empty()) {
      c.Problem(Member(path, "competencies"), "name at least one competency");
    }
    for (size_t k = 0; k < comps.size(); ++k) {
      if (!g.index.count(comps[k])) {
        c.Problem(Element(Member(path, "competencies"), k),
                  "unknown competency '" + comps[k] + "' (not a competency of this pack)");
      }
    }
    body["competencies"] = comps;
    if (auto m = c.Int(lesson, path, "minutes", 0, 600)) body["minutes"] = *m;
    if (auto t = c.Text(lesson, path, "modality", false, KindTextLimit("lesson", "modality"))) {
      body["modality"] = *t;
    }
    if (auto t = c.Text(lesson, path, "passage", false, KindTextLimit("lesson", "passage"))) {
      body["passage"] = *t;
    }

    json item_ids = json::array();
    if (const json* item_list = c.List(lesson, path, "items", true)) {
      if (item_list->empty()) c.Problem(Member(path, "items"), "a lesson needs at least one item");
      if (item_list->size() > pack_internal::kMaxListIds) {
        c.Problem(Member(path, "items"), "at most " + std::to_string(pack_internal::kMaxListIds) +
                                             " items in a lesson; split it");
      }
      pack_internal::ItemContext context{pack.id, id.value_or("?"), comps};
      for (size_t k = 0; k < item_list->size(); ++k) {
        std::string ipath = Element(Member(path, "items"), k);
        json item = pack_internal::ParseItem(c, (*item_list)[k], ipath, context);
        const std::string& item_id = item["item"].get_ref<const std::string&>();
        if ((*item_list)[k].is_object() && (*item_list)[k].contains("id") && item_id != "?") {
          auto [at, first] = item_at.emplace(item_id, ipath);
          if (!first) {
            c.Problem(Member(ipath, "id"),
                      "duplicate item id '" + item_id + "' (also at " + at->second + ")");
          }
          item_ids.push_back(item_id);
        }
        items.emplace_back(std::move(item), ipath);
      }
    }
    body["items"] = std::move(item_ids);
    AddOp(pack, "lesson", std::move(body), path);
  }
  pack.lessons = list->size();
  pack.items = items.size();
  for (auto& [item, source] : items) AddOp(pack, "item", std::move(item), std::move(source));
}

// "line 3, column 14" for nlohmann's parse_error::byte: the 1-based index of
// the last byte read, where the parser found the problem.
std::string Position(std::string_view text, size_t byte) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

Status TooLarge() {
  return Status::InvalidArgument("the pack is larger than " +
                                 std::to_string(kMaxPackBytes / (1024 * 1024)) +
                                 " MiB; split it into smaller packs");
}

}  // namespace

Result<Pack> ParsePack(std::string_view text) {
  if (text.size() > kMaxPackBytes) return TooLarge();
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    if (size_t colon = what.rfind(": "); colon != std::string::npos) what = what.substr(colon + 2);
    return Status::InvalidArgument("the pack is not valid JSON (" + Position(text, e.byte) +
                                   "): " + what);
  }
  if (!root.is_object()) {
    return Status::InvalidArgument("the pack must be a JSON object ({...}), got " +
                                   pack_internal::Describe(root));
  }
  Checker c;
  Pack pack;
  pack.content_hash = Sha256Hex(text);
  c.OnlyFields(root, "$",
               {"id", "version", "title", "language", "license", "competencies", "lessons"});
  pack.id = c.Id(root, "$", "id").value_or("?");
  // With its size, the pack op names the file as a blob devices can fetch.
  json body = {{"pack", pack.id},
               {"content_hash", pack.content_hash},
               {"content_size", text.size()}};
  auto text_field = [&](const char* field, std::string& out) {
    if (auto t = c.Text(root, "$", field, true, KindTextLimit("pack", field))) {
      out = *t;
      body[field] = *t;
    }
  };
  std::string license;
  text_field("version", pack.version);
  text_field("title", pack.title);
  text_field("language", pack.language);
  text_field("license", license);
  if (!pack.language.empty() && !IsLanguageTag(pack.language)) {
    c.Problem("$.language",
              "expected a language tag such as en, es or es-MX, got \"" + pack.language + "\"");
  }
  CompetencyGraph graph;
  ParseCompetencies(c, root, pack, graph);
  ParseLessons(c, root, pack, graph);
  AddOp(pack, "pack", std::move(body), "$");
  if (c.ok()) {
    // The checks above cover the op kinds' rules; this only guards against a gap.
    for (size_t i = 0; i < pack.ops.size(); ++i) {
      Status s = ValidateBody(*FindKind(pack.ops[i].first), pack.ops[i].second);
      if (!s.ok()) c.Problem(pack.sources[i], s.message());
    }
  }
  if (!c.ok()) return c.ToStatus();
  return pack;
}

Result<Pack> ReadPack(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    return Status::NotFound("no pack file " + file.string());
  }
  auto size = std::filesystem::file_size(file, ec);
  if (!ec && size > kMaxPackBytes) return TooLarge().WithContext(file.string());
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return Status::IoError("cannot read " + file.string());
  Result<Pack> pack = ParsePack(text.str());
  if (!pack.ok()) return pack.status().WithContext(file.string());
  return pack;
}

Result<PackImport> ImportPack(Store& store, const Pack& pack) {
  PackImport result;
  if (store.mode() == StoreMode::kDevice) {
    return Status::FailedPrecondition(
        "content packs are managed by the school server on an enrolled device; import the "
        "pack there");
  }
  CAIRN_ASSIGN_OR_RETURN(std::optional<json> stored, store.Entity("pack", pack.id));
  if (stored && stored->value("content_hash", "") == pack.content_hash) {
    result.already_present = true;
    return result;
  }
  std::vector<std::pair<std::string, json>> ops = pack.ops;
  std::vector<std::pair<std::string, json>> retire;
  Checker c;
  for (const char* kind : {"competency", "lesson", "item"}) {
    // What this pack has in the store already, from any earlier version.
    CAIRN_ASSIGN_OR_RETURN(std::vector<json> earlier, store.EntitiesWhere(kind, "pack", pack.id));
    std::map<std::string, bool> retired;  // id -> retired now
    for (const json& e : earlier)
      retired[e.at(kind).get<std::string>()] = e.value("retired", false);
    std::set<std::string> kept;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (ops[i].first != kind) continue;
      json& body = ops[i].second;
      std::string id = body.at(kind).get<std::string>();
      kept.insert(id);
      if (auto it = retired.find(id); it != retired.end()) {
        if (it->second) body["retired"] = false;  // back in this version
        continue;
      }
      CAIRN_ASSIGN_OR_RETURN(std::optional<json> other, store.Entity(kind, id));
      if (other) {
        c.Problem(Member(pack.sources[i], "id"),
                  std::string(kind) + " '" + id + "' already belongs to the pack '" +
                      other->value("pack", "?") +
                      "' in this store (ids are shared by every pack: give each pack's ids a "
                      "prefix of its own)");
      }
    }
    for (const auto& [id, is_retired] : retired) {
      if (kept.count(id) || is_retired) continue;
      retire.push_back({kind, {{kind, id}, {"retired", true}}});
      ++(kind == std::string_view("item")     ? result.retired_items
         : kind == std::string_view("lesson") ? result.retired_lessons
                                              : result.retired_competencies);
    }
  }
  if (!c.ok()) return c.ToStatus("cannot import beside the packs already in this store: ");
  // Before the pack op, which stays last.
  ops.insert(ops.end() - 1, std::make_move_iterator(retire.begin()),
             std::make_move_iterator(retire.end()));
  CAIRN_ASSIGN_OR_RETURN(std::vector<OpId> ids, store.AppendAll(ops));
  result.ops = ids.size();
  return result;
}

}  // namespace cairn
