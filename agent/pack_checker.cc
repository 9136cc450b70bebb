#include "pack_checker.h"

#include <algorithm>
#include <cmath>

#include "cairn/agent/kinds.h"

namespace cairn::pack_internal {
namespace {

// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

bool IsWord(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string Plural(size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

}  // namespace

std::string Member(const std::string& path, std::string_view name) {
  if (IsWord(name) && name.size() <= 64) return path + "." + std::string(name);
  if (name.size() > 64) {  // a hostile file's field name: show its start
    size_t cut = 60;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xc0) == 0x80) --cut;
    json shown = std::string(name.substr(0, cut)) + "...";
    return path + "[" + shown.dump(-1, ' ', false, json::error_handler_t::replace) + "]";
  }
  return path + "[" + json(std::string(name)).dump(-1, ' ', false, json::error_handler_t::replace) +
         "]";
}

std::string Element(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

namespace {

// True when `v` has at most `budget` values in all, nested at most 8 deep: small
// enough to show. Bounded recursion, so a hostile file's deep nesting is harmless.
bool Small(const json& v, int& budget, int depth = 0) {
  if (--budget < 0 || depth > 8) return false;
  if (!v.is_structured()) return true;
  for (const json& e : v) {
    if (!Small(e, budget, depth + 1)) return false;
  }
  return true;
}

}  // namespace

std::string Describe(const json& v) {
  int budget = 40;
  if (!Small(v, budget)) {
    return v.is_array() ? "a list of " + Plural(v.size(), "entry", "entries")
                        : "an object of " + Plural(v.size(), "field", "fields");
  }
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 40) {
    size_t cut = 37;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;
    s = s.substr(0, cut) + "...";
  }
  return s;
}

size_t KindTextLimit(std::string_view kind, std::string_view field) {
  const KindSpec* spec = FindKind(kind);
  int index = spec ? FieldIndex(*spec, field) : -1;
  if (index < 0) return 4000;
  double max = spec->fields[static_cast<size_t>(index)].max;
  return max > 0 ? static_cast<size_t>(max) : 4000;
}

void Checker::Problem(const std::string& path, std::string what) {
  problems_.push_back(path + ": " + what);
}

Status Checker::ToStatus(std::string_view heading) const {
  std::string message = std::string(heading) + "the pack has " +
                        Plural(problems_.size(), "problem", "problems") + ":";
  for (size_t i = 0; i < problems_.size() && i < kMaxShown; ++i) {
    message += "\n  " + problems_[i];
  }
  if (problems_.size() > kMaxShown) {
    message +=
        "\n  ... and " + std::to_string(problems_.size() - kMaxShown) + " more (fix these first)";
  }
  return Status::InvalidArgument(message);
}

void Checker::OnlyFields(const json& object, const std::string& path,
                         std::initializer_list<std::string_view> allowed) {
  for (const auto& [name, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    std::string_view closest;
    size_t best = 3;  // suggest only a near miss ("anwser", "prerequisite")
    for (std::string_view a : allowed) {
      if (name.size() > 2 * a.size() + 3) continue;  // not a typo of it
      size_t d = EditDistance(name, a);
      if (d < best || (a.starts_with(name) && name.size() >= 4) ||
          (name.starts_with(a) && a.size() >= 4)) {
        best = std::min(d, best);
        closest = a;
      }
    }
    if (!closest.empty()) {
      Problem(Member(path, name), "unknown field (did you mean \"" + std::string(closest) + "\"?)");
      continue;
    }
    std::string list;
    for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    Problem(Member(path, name), "unknown field (expected one of: " + list + ")");
  }
}

const json* Checker::Field(const json& object, const std::string& path, std::string_view name,
                           bool required) {
  auto it = object.find(name);
  if (it == object.end()) {
    if (required) Problem(Member(path, name), "missing");
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> Checker::TextValue(const json& v, const std::string& path,
                                              size_t max_bytes) {
  if (!v.is_string()) {
    Problem(path, "expected text, got " + Describe(v));
    return std::nullopt;
  }
  const std::string& s = v.get_ref<const std::string&>();
  if (s.find_first_not_of(" \t\r\n") == std::string::npos) {
    Problem(path, "expected text, got nothing but spaces");
    return std::nullopt;
  }
  if (s.size() > max_bytes) {
    Problem(path, "text longer than " + std::to_string(max_bytes) + " bytes (it has " +
                      std::to_string(s.size()) + ")");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> Checker::Text(const json& object, const std::string& path,
                                         std::string_view name, bool required, size_t max_bytes) {
  const json* v = Field(object, path, name, required);
  if (!v) return std::nullopt;
  return TextValue(*v, Member(path, name), max_bytes);
}

std::optional<std::string> Checker::IdValue(const json& v, const std::string& path) {
  if (!v.is_string()) {
    Problem(path, "expected an id (text), got " + Describe(v));
    return std::nullopt;
  }
  const std::string& id = v.get_ref<const std::string&>();
  Status s = ValidateId(id, "");
  if (!s.ok()) {
    // ValidateId's message starts with ": " when given no name.
    std::string what = s.message();
    if (what.starts_with(": ")) what.erase(0, 2);
    Problem(path, what);
    return std::nullopt;
  }
  return id;
}

std::optional<std::string> Checker::Id(const json& object, const std::string& path,
                                       std::string_view name) {
  const json* v = Field(object, path, name, true);
  if (!v) return std::nullopt;
  return IdValue(*v, Member(path, name));
}

std::vector<std::string> Checker::Ids(const json& object, const std::string& path,
                                      std::string_view name, bool required) {
  std::vector<std::string> out;
  const json* list = List(object, path, name, required);
  if (!list) return out;
  std::string at = Member(path, name);
  if (list->size() > kMaxListIds) {
    Problem(at, "more than " + std::to_string(kMaxListIds) + " ids");
    return out;
  }
  for (size_t i = 0; i < list->size(); ++i) {
    std::optional<std::string> id = IdValue((*list)[i], Element(at, i));
    if (!id) continue;
    auto seen = std::find(out.begin(), out.end(), *id);
    if (seen != out.end()) {
      Problem(Element(at, i), "'" + *id + "' is listed twice");
      continue;
    }
    out.push_back(*id);
  }
  return out;
}

std::vector<std::string> Checker::Texts(const json& object, const std::string& path,
                                        std::string_view name, size_t max_entries,
                                        size_t max_bytes) {
  std::vector<std::string> out;
  const json* list = List(object, path, name, false);
  if (!list) return out;
  std::string at = Member(path, name);
  if (list->size() > max_entries) {
    Problem(at, "at most " + std::to_string(max_entries) + " entries, got " +
                    std::to_string(list->size()));
    return out;
  }
  for (size_t i = 0; i < list->size(); ++i) {
    if (std::optional<std::string> t = TextValue((*list)[i], Element(at, i), max_bytes)) {
      out.push_back(std::move(*t));
    }
  }
  return out;
}

std::optional<int64_t> Checker::Int(const json& object, const std::string& path,
                                    std::string_view name, int64_t min, int64_t max) {
  const json* v = Field(object, path, name, false);
  if (!v) return std::nullopt;
  std::string range = "from " + std::to_string(min) + " to " + std::to_string(max);
  bool whole = v->is_number_integer() || (v->is_number_float() && std::isfinite(v->get<double>()) &&
                                          std::floor(v->get<double>()) == v->get<double>());
  if (!whole) {
    Problem(Member(path, name), "expected a whole number " + range + ", got " + Describe(*v));
    return std::nullopt;
  }
  double d = v->get<double>();
  if (d < static_cast<double>(min) || d > static_cast<double>(max)) {
    Problem(Member(path, name), Describe(*v) + " is out of range (" + range + ")");
    return std::nullopt;
  }
  return static_cast<int64_t>(d);
}

std::optional<double> Checker::Number(const json& object, const std::string& path,
                                      std::string_view name, bool required) {
  const json* v = Field(object, path, name, required);
  if (!v) return std::nullopt;
  if (v->is_string()) {
    Problem(Member(path, name),
            "expected a number, got " + Describe(*v) + " (write it without quotes)");
    return std::nullopt;
  }
  if (!v->is_number() || !std::isfinite(v->get<double>())) {
    Problem(Member(path, name), "expected a number, got " + Describe(*v));
    return std::nullopt;
  }
  return v->get<double>();
}

const json* Checker::List(const json& object, const std::string& path, std::string_view name,
                          bool required) {
  const json* v = Field(object, path, name, required);
  if (!v) return nullptr;
  if (!v->is_array()) {
    Problem(Member(path, name), "expected a list, got " + Describe(*v));
    return nullptr;
  }
  return v;
}

const json* Checker::Object(const json& object, const std::string& path, std::string_view name) {
  const json* v = Field(object, path, name, false);
  if (!v) return nullptr;
  if (!v->is_object()) {
    Problem(Member(path, name), "expected an object, got " + Describe(*v));
    return nullptr;
  }
  return v;
}

}  // namespace cairn::pack_internal
