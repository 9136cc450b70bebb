// Content pack parsing and import (agent/CONTENT.md).
#include "cairn/agent/pack.h"

#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

#include "cairn/agent/kinds.h"

namespace cairn {
namespace {

using nlohmann::json;

constexpr size_t kMaxProblemsShown = 50;
constexpr size_t kMaxContentBytes = 60 * 1024;  // an item body must stay under 64 KiB

std::string Sha256Hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kDigits[md[i] >> 4];
    out += kDigits[md[i] & 15];
  }
  return out;
}

// Collects every problem of a pack, each with its JSON path.
class Checker {
 public:
  void Problem(const std::string& path, const std::string& what) {
    problems_.push_back(path + ": " + what);
  }
  bool ok() const { return problems_.empty(); }
  Status ToStatus() const {
    std::string message = "the pack has " + std::to_string(problems_.size()) +
                          (problems_.size() == 1 ? " problem" : " problems") +
                          "; nothing was imported:";
    for (size_t i = 0; i < problems_.size() && i < kMaxProblemsShown; ++i) {
      message += "\n  " + problems_[i];
    }
    if (problems_.size() > kMaxProblemsShown) {
      message += "\n  ... and " + std::to_string(problems_.size() - kMaxProblemsShown) + " more";
    }
    return Status::InvalidArgument(message);
  }

  // Reports fields of `object` not in `allowed`.
  void OnlyFields(const json& object, const std::string& path,
                  std::initializer_list<std::string_view> allowed) {
    for (const auto& [name, value] : object.items()) {
      bool known = false;
      for (std::string_view a : allowed) known |= a == name;
      if (!known) {
        std::string list;
        for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        Problem(path + "." + name, "unknown field (expected one of: " + list + ")");
      }
    }
  }

  // A string field; nullptr (and a problem if required) when absent or not a string.
  const std::string* Text(const json& object, const std::string& path, const char* name,
                          bool required) {
    auto it = object.find(name);
    if (it == object.end()) {
      if (required) Problem(path + "." + name, "missing");
      return nullptr;
    }
    if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
      Problem(path + "." + name, "expected non-empty text");
      return nullptr;
    }
    return &it->get_ref<const std::string&>();
  }

  // An id field: text that is a well-formed id.
  const std::string* Id(const json& object, const std::string& path, const char* name) {
    const std::string* id = Text(object, path, name, true);
    if (id) {
      Status s = ValidateId(*id, "id");
      if (!s.ok()) {
        Problem(path + "." + name, s.message());
        return nullptr;
      }
    }
    return id;
  }

  // A list of texts (or ids); empty when absent.
  std::vector<std::string> Texts(const json& object, const std::string& path, const char* name,
                                 bool ids) {
    std::vector<std::string> out;
    auto it = object.find(name);
    if (it == object.end()) return out;
    if (!it->is_array()) {
      Problem(path + "." + name, "expected a list");
      return out;
    }
    for (size_t i = 0; i < it->size(); ++i) {
      std::string at = path + "." + name + "[" + std::to_string(i) + "]";
      const json& v = (*it)[i];
      if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
        Problem(at, "expected non-empty text");
        continue;
      }
      if (ids) {
        Status s = ValidateId(v.get_ref<const std::string&>(), "id");
        if (!s.ok()) {
          Problem(at, s.message());
          continue;
        }
      }
      out.push_back(v.get<std::string>());
    }
    return out;
  }

  // Checks a finished op body against its kind (lengths, ranges) at `path`.
  void Body(const std::string& path, std::string_view kind, const json& body) {
    Status s = ValidateBody(*FindKind(kind), body);
    if (!s.ok()) Problem(path, s.message());
  }

 private:
  std::vector<std::string> problems_;
};

std::string At(const std::string& path, const char* list, size_t i) {
  return path + "." + list + "[" + std::to_string(i) + "]";
}

// The `content` object of an item op; reports problems with the answer.
json ItemContent(Checker& c, const json& item, const std::string& path, const std::string& type) {
  json content = json::object();
  if (const std::string* prompt = c.Text(item, path, "prompt", true)) content["prompt"] = *prompt;
  auto answer = item.find("answer");
  if (answer == item.end()) {
    c.Problem(path, "no answer (every item needs \"answer\")");
  } else if (type == "choice") {
    std::vector<std::string> choices = c.Texts(item, path, "choices", false);
    if (!item.contains("choices") || choices.size() < 2 || choices.size() > 10) {
      c.Problem(path + ".choices", "a choice item needs 2 to 10 choices");
    }
    if (std::set<std::string>(choices.begin(), choices.end()).size() != choices.size()) {
      c.Problem(path + ".choices", "two choices are the same");
    }
    if (!answer->is_number_unsigned() || answer->get<size_t>() >= choices.size()) {
      c.Problem(path + ".answer", "expected the index of the right choice, from 0 to " +
                                      std::to_string(choices.empty() ? 0 : choices.size() - 1));
    }
    content["choices"] = choices;
    content["answer"] = *answer;
  } else if (type == "numeric") {
    if (!answer->is_number()) c.Problem(path + ".answer", "expected a number");
    content["answer"] = *answer;
    if (auto tol = item.find("tolerance"); tol != item.end()) {
      if (!tol->is_number() || tol->get<double>() < 0) {
        c.Problem(path + ".tolerance", "expected a number, 0 or more");
      }
      content["tolerance"] = *tol;
    }
  } else if (type == "text") {
    json accepted = answer->is_string() ? json::array({*answer}) : *answer;
    bool good = accepted.is_array() && !accepted.empty();
    for (const json& a : accepted)
      good &= a.is_string() && !a.get_ref<const std::string&>().empty();
    if (!good) c.Problem(path + ".answer", "expected the accepted answer, or a list of them");
    content["answer"] = accepted;
  }
  // An unknown type is reported by the caller; the rest depends on the type.
  if (!type.empty() && type != "choice" && item.contains("choices")) {
    c.Problem(path + ".choices", "only choice items have choices");
  }
  if (!type.empty() && type != "numeric" && item.contains("tolerance")) {
    c.Problem(path + ".tolerance", "only numeric items have a tolerance");
  }
  std::vector<std::string> hints = c.Texts(item, path, "hints", false);
  if (!hints.empty()) content["hints"] = hints;
  if (auto fb = item.find("feedback"); fb != item.end()) {
    if (!fb->is_object()) {
      c.Problem(path + ".feedback", "expected an object with \"correct\" and/or \"incorrect\"");
    } else {
      c.OnlyFields(*fb, path + ".feedback", {"correct", "incorrect"});
      for (const char* k : {"correct", "incorrect"}) {
        if (const std::string* t = c.Text(*fb, path + ".feedback", k, false)) {
          content["feedback"][k] = *t;
        }
      }
    }
  }
  if (content.dump().size() > kMaxContentBytes) {
    c.Problem(path, "item larger than " + std::to_string(kMaxContentBytes / 1024) + " KiB");
  }
  return content;
}

// Reports each prerequisite cycle once.
void CheckCycles(Checker& c, const std::map<std::string, std::vector<std::string>>& prereqs,
                 const std::map<std::string, size_t>& index) {
  std::map<std::string, int> state;  // 0 unseen, 1 on the stack, 2 done
  std::vector<std::string> stack;
  std::function<void(const std::string&)> visit = [&](const std::string& id) {
    state[id] = 1;
    stack.push_back(id);
    auto it = prereqs.find(id);
    if (it != prereqs.end()) {
      for (const std::string& p : it->second) {
        if (!prereqs.count(p)) continue;  // unknown: reported elsewhere
        if (state[p] == 1) {
          std::string cycle;
          for (auto s = std::find(stack.begin(), stack.end(), p); s != stack.end(); ++s) {
            cycle += *s + " -> ";
          }
          c.Problem(At("$", "competencies", index.at(id)) + ".prerequisites",
                    "prerequisites go round in a circle: " + cycle + p);
        } else if (state[p] == 0) {
          visit(p);
        }
      }
    }
    stack.pop_back();
    state[id] = 2;
  };
  for (const auto& [id, list] : prereqs) {
    if (state[id] == 0) visit(id);
  }
}

void ParseCompetencies(Checker& c, const json& root, const std::string& pack_id, Pack& pack) {
  auto list = root.find("competencies");
  if (list == root.end() || !list->is_array() || list->empty()) {
    c.Problem("$.competencies", "expected a non-empty list of competencies");
    return;
  }
  std::map<std::string, size_t> index;
  std::map<std::string, std::vector<std::string>> prereqs;
  for (size_t i = 0; i < list->size(); ++i) {
    const json& comp = (*list)[i];
    std::string path = At("$", "competencies", i);
    if (!comp.is_object()) {
      c.Problem(path, "expected an object");
      continue;
    }
    c.OnlyFields(comp, path, {"id", "title", "description", "standard_code", "prerequisites"});
    const std::string* id = c.Id(comp, path, "id");
    bool first = id && index.emplace(*id, i).second;
    if (id && !first) {
      c.Problem(path + ".id", "duplicate competency id '" + *id + "' (also at " +
                                  At("$", "competencies", index[*id]) + ")");
    }
    json body = {{"competency", id ? *id : "?"}, {"pack", pack_id}};
    if (const std::string* t = c.Text(comp, path, "title", true)) body["title"] = *t;
    if (const std::string* t = c.Text(comp, path, "description", false)) body["description"] = *t;
    if (const std::string* t = c.Text(comp, path, "standard_code", false)) {
      body["standard_code"] = *t;
    }
    std::vector<std::string> pre = c.Texts(comp, path, "prerequisites", true);
    body["prerequisites"] = pre;
    if (id) c.Body(path, "competency", body);
    if (first) prereqs[*id] = pre;
    pack.ops.emplace_back("competency", std::move(body));
  }
  for (const auto& [id, pre] : prereqs) {
    for (size_t k = 0; k < pre.size(); ++k) {
      std::string path =
          At("$", "competencies", index[id]) + ".prerequisites[" + std::to_string(k) + "]";
      if (pre[k] == id) {
        c.Problem(path, "a competency cannot be its own prerequisite");
      } else if (!prereqs.count(pre[k])) {
        c.Problem(path, "unknown prerequisite '" + pre[k] + "' (not a competency of this pack)");
      }
    }
  }
  CheckCycles(c, prereqs, index);
  pack.competencies = list->size();
}

void ParseLessons(Checker& c, const json& root, const std::string& pack_id, Pack& pack) {
  std::set<std::string> competencies;
  for (const auto& [kind, body] : pack.ops) {
    if (kind == "competency") competencies.insert(body["competency"].get<std::string>());
  }
  auto list = root.find("lessons");
  if (list == root.end() || !list->is_array() || list->empty()) {
    c.Problem("$.lessons", "expected a non-empty list of lessons");
    return;
  }
  std::map<std::string, std::string> lesson_at, item_at;
  std::vector<std::pair<std::string, json>> items;
  for (size_t i = 0; i < list->size(); ++i) {
    const json& lesson = (*list)[i];
    std::string path = At("$", "lessons", i);
    if (!lesson.is_object()) {
      c.Problem(path, "expected an object");
      continue;
    }
    c.OnlyFields(lesson, path, {"id", "title", "competencies", "minutes", "modality", "items"});
    const std::string* id = c.Id(lesson, path, "id");
    if (id && !lesson_at.emplace(*id, path).second) {
      c.Problem(path + ".id", "duplicate lesson id '" + *id + "' (also at " + lesson_at[*id] + ")");
    }
    std::string lesson_id = id ? *id : "?";
    json body = {{"lesson", lesson_id}, {"pack", pack_id}};
    if (const std::string* t = c.Text(lesson, path, "title", true)) body["title"] = *t;
    std::vector<std::string> comps = c.Texts(lesson, path, "competencies", true);
    if (comps.empty()) c.Problem(path + ".competencies", "name at least one competency");
    for (size_t k = 0; k < comps.size(); ++k) {
      if (!competencies.count(comps[k])) {
        c.Problem(path + ".competencies[" + std::to_string(k) + "]",
                  "unknown competency '" + comps[k] + "'");
      }
    }
    body["competencies"] = comps;
    if (auto m = lesson.find("minutes"); m != lesson.end()) body["minutes"] = *m;
    if (const std::string* t = c.Text(lesson, path, "modality", false)) body["modality"] = *t;

    auto item_list = lesson.find("items");
    json item_ids = json::array();
    if (item_list == lesson.end() || !item_list->is_array() || item_list->empty()) {
      c.Problem(path + ".items", "expected a non-empty list of items");
    } else {
      for (size_t k = 0; k < item_list->size(); ++k) {
        const json& item = (*item_list)[k];
        std::string ipath = At(path, "items", k);
        if (!item.is_object()) {
          c.Problem(ipath, "expected an object");
          continue;
        }
        c.OnlyFields(item, ipath,
                     {"id", "type", "prompt", "choices", "answer", "tolerance", "hints", "feedback",
                      "competencies"});
        const std::string* item_id = c.Id(item, ipath, "id");
        if (item_id && !item_at.emplace(*item_id, ipath).second) {
          c.Problem(ipath + ".id",
                    "duplicate item id '" + *item_id + "' (also at " + item_at[*item_id] + ")");
        }
        const std::string* type = c.Text(item, ipath, "type", true);
        if (type && *type != "choice" && *type != "numeric" && *type != "text") {
          c.Problem(ipath + ".type", "expected choice, numeric or text, got '" + *type + "'");
          type = nullptr;
        }
        json content = ItemContent(c, item, ipath, type ? *type : "");
        std::vector<std::string> assessed = c.Texts(item, ipath, "competencies", true);
        for (size_t n = 0; n < assessed.size(); ++n) {
          if (std::find(comps.begin(), comps.end(), assessed[n]) == comps.end()) {
            c.Problem(ipath + ".competencies[" + std::to_string(n) + "]",
                      "'" + assessed[n] + "' is not one of its lesson's competencies");
          }
        }
        json ibody = {{"item", item_id ? *item_id : "?"},
                      {"pack", pack_id},
                      {"lesson", lesson_id},
                      {"type", type ? *type : "text"},
                      {"content", std::move(content)},
                      {"competencies", assessed.empty() ? comps : assessed}};
        if (item_id) {
          c.Body(ipath, "item", ibody);
          item_ids.push_back(*item_id);
        }
        items.emplace_back("item", std::move(ibody));
      }
    }
    body["items"] = item_ids;
    if (id) c.Body(path, "lesson", body);
    pack.ops.emplace_back("lesson", std::move(body));
  }
  pack.lessons = list->size();
  pack.items = items.size();
  for (auto& item : items) pack.ops.push_back(std::move(item));
}

// "line 3, column 14" for a byte offset into `text`.
std::string Position(std::string_view text, size_t byte) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

Result<Pack> ParsePack(std::string_view text) {
  if (text.size() > kMaxPackBytes) {
    return Status::InvalidArgument("the pack is larger than " +
                                   std::to_string(kMaxPackBytes / (1024 * 1024)) +
                                   " MiB; split it into smaller packs");
  }
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    if (size_t colon = what.rfind(": "); colon != std::string::npos) what = what.substr(colon + 2);
    return Status::InvalidArgument("the pack is not valid JSON (" + Position(text, e.byte) +
                                   "): " + what + "; nothing was imported");
  }
  if (!root.is_object()) {
    return Status::InvalidArgument("the pack must be a JSON object; nothing was imported");
  }
  Checker c;
  Pack pack;
  pack.content_hash = Sha256Hex(text);
  c.OnlyFields(root, "$",
               {"id", "version", "title", "language", "license", "competencies", "lessons"});
  const std::string* id = c.Id(root, "$", "id");
  pack.id = id ? *id : "?";
  json body = {{"pack", pack.id}, {"content_hash", pack.content_hash}};
  if (const std::string* v = c.Text(root, "$", "version", true)) {
    pack.version = *v;
    body["version"] = *v;
  }
  if (const std::string* t = c.Text(root, "$", "title", true)) {
    pack.title = *t;
    body["title"] = *t;
  }
  if (const std::string* l = c.Text(root, "$", "language", true)) body["language"] = *l;
  if (const std::string* l = c.Text(root, "$", "license", true)) body["license"] = *l;
  if (id) c.Body("$", "pack", body);
  ParseCompetencies(c, root, pack.id, pack);
  ParseLessons(c, root, pack.id, pack);
  pack.ops.emplace_back("pack", std::move(body));
  if (!c.ok()) return c.ToStatus();
  return pack;
}

Result<Pack> ReadPack(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    return Status::NotFound("no pack file " + file.string());
  }
  auto size = std::filesystem::file_size(file, ec);
  if (!ec && size > kMaxPackBytes) return ParsePack(std::string(kMaxPackBytes + 1, ' '));
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
  CAIRN_ASSIGN_OR_RETURN(std::optional<json> stored, store.Entity("pack", pack.id));
  if (stored && stored->value("content_hash", "") == pack.content_hash) {
    result.already_present = true;
    return result;
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<OpId> ids, store.AppendAll(pack.ops));
  result.ops = ids.size();
  return result;
}

}  // namespace cairn
