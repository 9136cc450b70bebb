// How responses are read: folding text for comparison, reading numbers as
// learners write them (answer.h).
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <string>

#include "cairn/agent/answer.h"

namespace cairn {
namespace {

constexpr char32_t kReplacement = 0xfffd;

// Decodes one code point of UTF-8 at `i`, advancing it; a malformed byte is
// U+FFFD (the text came from a learner or a file: never throw over it).
char32_t Next(std::string_view s, size_t& i) {
  auto c = static_cast<unsigned char>(s[i++]);
  if (c < 0x80) return c;
  size_t n = (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : 0;
  if (n == 0 || i + n > s.size()) return kReplacement;
  char32_t cp = c & (0x3f >> n);
  for (size_t k = 0; k < n; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xc0) != 0x80) return kReplacement;
    cp = (cp << 6) | (cc & 0x3f);
  }
  static constexpr std::array<char32_t, 4> kMin = {0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return kReplacement;
  i += n;
  return cp;
}

void Append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

bool Between(char32_t c, char32_t lo, char32_t hi) { return c >= lo && c <= hi; }

// In a run where upper and lower case alternate, the upper case letters sit at
// even (or odd) code points and their lower case right after.
char32_t Pair(char32_t c, bool upper_is_even) { return (c % 2 == 0) == upper_is_even ? c + 1 : c; }

char32_t Lower(char32_t c) {
  if (c < 0x80) return Between(c, 'A', 'Z') ? c + 32 : c;
  if (c < 0x100) return Between(c, 0xc0, 0xde) && c != 0xd7 ? c + 32 : c;
  // Latin Extended-A.
  if (c == 0x130) return 'i';
  if (c == 0x178) return 0xff;
  if (Between(c, 0x100, 0x137) || Between(c, 0x14a, 0x177)) return Pair(c, true);
  if (Between(c, 0x139, 0x148) || Between(c, 0x179, 0x17e)) return Pair(c, false);
  // Latin Extended-B: the letters of living languages (Vietnamese, Pinyin, Romanian...).
  if (c == 0x1a0 || c == 0x1af) return c + 1;
  if (c == 0x1c4 || c == 0x1c5) return 0x1c6;
  if (c == 0x1c7 || c == 0x1c8) return 0x1c9;
  if (c == 0x1ca || c == 0x1cb) return 0x1cc;
  if (c == 0x1f1 || c == 0x1f2) return 0x1f3;
  if (Between(c, 0x1cd, 0x1dc)) return Pair(c, false);
  if (Between(c, 0x1de, 0x1ef) || Between(c, 0x1f8, 0x21f) || Between(c, 0x222, 0x233)) {
    return Pair(c, true);
  }
  // Greek.
  if (c == 0x386) return 0x3ac;
  if (Between(c, 0x388, 0x38a)) return c + 37;
  if (c == 0x38c) return 0x3cc;
  if (Between(c, 0x38e, 0x38f)) return c + 63;
  if (Between(c, 0x391, 0x3ab) && c != 0x3a2) return c + 32;
  // Cyrillic.
  if (Between(c, 0x400, 0x40f)) return c + 80;
  if (Between(c, 0x410, 0x42f)) return c + 32;
  if (c == 0x4c0) return 0x4cf;
  if (Between(c, 0x460, 0x481) || Between(c, 0x48a, 0x4bf) || Between(c, 0x4d0, 0x52f)) {
    return Pair(c, true);
  }
  if (Between(c, 0x4c1, 0x4ce)) return Pair(c, false);
  // Latin Extended Additional (Vietnamese, Welsh...).
  if (c == 0x1e9e) return 0xdf;
  if (Between(c, 0x1e00, 0x1e95) || Between(c, 0x1ea0, 0x1eff)) return Pair(c, true);
  return c;
}

bool IsSpace(char32_t c) {
  return Between(c, 0x09, 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680 ||
         Between(c, 0x2000, 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
         c == 0x3000;
}

bool IsInvisible(char32_t c) { return Between(c, 0x200b, 0x200d) || c == 0x2060 || c == 0xfeff; }

// Punctuation and symbols: no space is kept next to them.
bool IsPunctuation(char32_t c) {
  if (c < 0x80) {
    return !(Between(c, '0', '9') || Between(c, 'a', 'z') || Between(c, 'A', 'Z'));
  }
  if (Between(c, 0xa1, 0xbf)) {
    // Not the ordinal indicators, superscripts, micro sign and vulgar fractions.
    return !(c == 0xaa || c == 0xb2 || c == 0xb3 || c == 0xb5 || c == 0xb9 ||
             Between(c, 0xba, 0xbe));
  }
  return c == 0xd7 || c == 0xf7 || Between(c, 0x2010, 0x205e) || Between(c, 0x2190, 0x23ff) ||
         Between(c, 0x3000, 0x303f);
}

// Look-alikes that keyboards and word processors swap in.
char32_t Plain(char32_t c) {
  switch (c) {
    case 0x2018:
    case 0x2019:
    case 0x201b:
    case 0x2032:
      return '\'';
    case 0x201c:
    case 0x201d:
    case 0x201f:
    case 0x2033:
      return '"';
    case 0x2212:
      return '-';
    case 0x2044:
    case 0x2215:
      return '/';
    default:
      return c;
  }
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<double> ToDouble(const std::string& s) {
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

// Digits grouped in threes by one separator ("4,352", "10 000"), or plain digits.
std::optional<std::string> Ungroup(std::string_view s, std::string_view separators) {
  size_t at = s.find_first_of(separators);
  if (at == std::string_view::npos) {
    if (!AllDigits(s)) return std::nullopt;
    return std::string(s);
  }
  char separator = s[at];
  std::string digits;
  size_t start = 0;
  bool first = true;
  while (true) {
    size_t end = s.find(separator, start);
    std::string_view group = s.substr(start, end == std::string_view::npos ? end : end - start);
    if (!AllDigits(group) || (first ? group.size() > 3 : group.size() != 3)) return std::nullopt;
    digits += group;
    first = false;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return digits;
}

// A decimal number with `mark` as its decimal mark and thousands grouped by any
// one of `separators`.
std::optional<double> ReadDecimal(std::string_view s, char mark, std::string_view separators) {
  size_t at = s.find(mark);
  if (at != std::string_view::npos && s.find(mark, at + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view whole = s.substr(0, at);
  std::string_view fraction = at == std::string_view::npos ? "" : s.substr(at + 1);
  if (!fraction.empty() && !AllDigits(fraction)) return std::nullopt;
  std::string digits = "0";
  if (!whole.empty()) {
    std::optional<std::string> ungrouped = Ungroup(whole, separators);
    if (!ungrouped) return std::nullopt;
    digits = *ungrouped;
  } else if (fraction.empty()) {
    return std::nullopt;
  }
  if (!fraction.empty()) digits += "." + std::string(fraction);
  return ToDouble(digits);
}

std::optional<double> ReadFraction(std::string_view s) {
  size_t slash = s.find('/');
  std::string_view top = s.substr(0, slash);
  std::string_view bottom = s.substr(slash + 1);
  while (!bottom.empty() && bottom.front() == ' ') bottom.remove_prefix(1);
  while (!top.empty() && top.back() == ' ') top.remove_suffix(1);
  std::optional<double> whole = 0;
  if (size_t space = top.rfind(' '); space != std::string_view::npos) {  // a mixed number
    std::string_view w = top.substr(0, space);
    while (!w.empty() && w.back() == ' ') w.remove_suffix(1);
    if (!AllDigits(w)) return std::nullopt;
    whole = ToDouble(std::string(w));
    top = top.substr(space + 1);
  }
  if (!AllDigits(top) || !AllDigits(bottom) || !whole) return std::nullopt;
  std::optional<double> n = ToDouble(std::string(top));
  std::optional<double> d = ToDouble(std::string(bottom));
  if (!n || !d || *d == 0) return std::nullopt;
  return *whole + *n / *d;
}

}  // namespace

std::string FoldAnswerText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  bool last_punctuation = true;  // nothing yet: no leading space
  size_t i = 0;
  while (i < text.size()) {
    char32_t c = Plain(Lower(Next(text, i)));
    if (IsInvisible(c)) continue;
    if (IsSpace(c)) {
      pending_space = true;
      continue;
    }
    bool punctuation = IsPunctuation(c);
    if (pending_space && !last_punctuation && !punctuation) out += ' ';
    pending_space = false;
    Append(out, c);
    last_punctuation = punctuation;
  }
  return out;
}

std::optional<double> ReadNumber(std::string_view text, char decimal_mark) {
  // ASCII only, with every kind of space as ' ' and the minus sign as '-'.
  std::string s;
  size_t i = 0;
  while (i < text.size()) {
    char32_t c = Next(text, i);
    if (IsSpace(c)) c = ' ';
    if (c == 0x2212) c = '-';
    if (c >= 0x80) return std::nullopt;
    s += static_cast<char>(c);
  }
  size_t begin = s.find_first_not_of(' ');
  if (begin == std::string::npos) return std::nullopt;
  std::string_view v(s);
  v = v.substr(begin, s.find_last_not_of(' ') - begin + 1);
  double sign = 1;
  if (v.front() == '-' || v.front() == '+') {
    sign = v.front() == '-' ? -1 : 1;
    v.remove_prefix(1);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  }
  if (v.empty()) return std::nullopt;
  std::optional<double> value;
  if (v.find('/') != std::string_view::npos) {
    value = ReadFraction(v);
  } else {
    char other = decimal_mark == ',' ? '.' : ',';
    value = ReadDecimal(v, decimal_mark, std::string{other, ' '});
    // "0,75" in English, "2.5" in Spanish: where the other mark cannot be a
    // thousands separator, it can only be a decimal mark.
    if (!value && std::count(v.begin(), v.end(), other) == 1 &&
        v.find_first_of(std::string{decimal_mark, ' '}) == std::string_view::npos) {
      value = ReadDecimal(v, other, "");
    }
  }
  if (!value) return std::nullopt;
  return sign * *value;
}

char DecimalMark(std::string_view language) {
  std::string tag;
  for (char c : language) tag += c == '_' ? '-' : static_cast<char>(std::tolower(c));
  std::string primary = tag.substr(0, tag.find('-'));
  // Regions that write a decimal point where most of their language writes a comma.
  for (std::string_view point : {"es-mx", "es-us", "es-pr", "es-do", "es-gt", "es-hn", "es-ni",
                                 "es-pa", "es-sv", "de-ch", "de-li", "it-ch"}) {
    if (tag == point || tag.starts_with(std::string(point) + "-")) return '.';
  }
  if (tag == "en-za" || tag.starts_with("en-za-")) return ',';
  for (std::string_view comma :
       {"af", "az", "be", "bg", "bs", "ca", "cs", "da", "de", "el", "es", "et",
        "eu", "fi", "fo", "fr", "gl", "hr", "hu", "hy", "id", "is", "it", "ka",
        "kk", "ky", "lt", "lv", "mk", "mn", "nb", "nl", "nn", "no", "pl", "pt",
        "ro", "ru", "sk", "sl", "sq", "sr", "sv", "tr", "uk", "uz", "vi"}) {
    if (primary == comma) return ',';
  }
  return '.';
}

}  // namespace cairn
