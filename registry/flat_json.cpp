#include "registry/flat_json.hpp"

namespace tc::registry {

bool FlatValue::int_in(int64_t lo, uint64_t hi, int64_t& out) const {
  if (kind != Kind::Integer) return false;
  if (!negative || magnitude == 0) {
    if (magnitude > hi || (lo > 0 && magnitude < uint64_t(lo))) return false;
    out = int64_t(magnitude);  // bits: a caller wanting a uint64 casts back
    return true;
  }
  if (lo >= 0 || magnitude - 1 > uint64_t(-(lo + 1))) return false;  // |lo| without overflow
  out = int64_t(uint64_t(0) - magnitude);
  return true;
}

FlatObjectReader::FlatObjectReader(std::string_view text) : s_(text) {
  blanks();
  if (i_ >= s_.size() || s_[i_] != '{') fail();
  ++i_;
}

void FlatObjectReader::blanks() {
  while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
}

bool FlatObjectReader::next(std::string& key, FlatValue& v) {
  if (!ok_ || done_) return false;
  blanks();
  bool at_end = i_ < s_.size() && s_[i_] == '}';
  if (!first_ && !at_end) {  // after a member: "," and the next one, or "}"
    if (i_ >= s_.size() || s_[i_] != ',') return fail();
    ++i_;
    blanks();
  }
  if (at_end) {
    ++i_;
    blanks();
    done_ = true;
    if (i_ != s_.size()) fail();
    return false;
  }
  first_ = false;
  if (!string(key)) return fail();
  blanks();
  if (i_ >= s_.size() || s_[i_] != ':') return fail();
  ++i_;
  blanks();
  return value(v) || fail();
}

bool FlatObjectReader::hex4(uint32_t& out) {
  if (s_.size() - i_ < 4) return false;
  out = 0;
  for (int k = 0; k < 4; ++k) {
    char c = s_[i_++];
    out <<= 4;
    if (c >= '0' && c <= '9') out |= uint32_t(c - '0');
    else if (c >= 'a' && c <= 'f') out |= uint32_t(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') out |= uint32_t(c - 'A' + 10);
    else return false;
  }
  return true;
}

bool FlatObjectReader::string(std::string& out) {
  out.clear();
  if (i_ >= s_.size() || s_[i_] != '"') return false;
  ++i_;
  for (;;) {
    size_t start = i_;  // a run of plain bytes, copied at once
    while (i_ < s_.size() && s_[i_] != '"' && s_[i_] != '\\' && static_cast<unsigned char>(s_[i_]) >= 0x20) ++i_;
    out.append(s_.data() + start, i_ - start);
    if (i_ >= s_.size() || static_cast<unsigned char>(s_[i_]) < 0x20) return false;
    if (s_[i_++] == '"') return true;
    if (i_ >= s_.size()) return false;
    char e = s_[i_++];
    switch (e) {
      case '"': case '\\': case '/': out += e; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        uint32_t cp;
        if (!hex4(cp)) return false;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a lone low surrogate
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t low;
          if (s_.size() - i_ < 2 || s_[i_] != '\\' || s_[i_ + 1] != 'u') return false;
          i_ += 2;
          if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        if (cp < 0x80) {
          out += char(cp);
        } else if (cp < 0x800) {
          out += char(0xC0 | (cp >> 6));
          out += char(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
          out += char(0xE0 | (cp >> 12));
          out += char(0x80 | ((cp >> 6) & 0x3F));
          out += char(0x80 | (cp & 0x3F));
        } else {
          out += char(0xF0 | (cp >> 18));
          out += char(0x80 | ((cp >> 12) & 0x3F));
          out += char(0x80 | ((cp >> 6) & 0x3F));
          out += char(0x80 | (cp & 0x3F));
        }
        break;
      }
      default: return false;
    }
  }
}

bool FlatObjectReader::value(FlatValue& v) {
  if (i_ >= s_.size()) return false;
  char c = s_[i_];
  auto word = [&](std::string_view w) {
    if (s_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  };
  if (c == '"') {
    v.kind = FlatValue::Kind::String;
    return string(v.str);
  }
  if (c == 't' || c == 'f') {
    v.kind = FlatValue::Kind::Bool;
    v.boolean = c == 't';
    return word(c == 't' ? "true" : "false");
  }
  if (c == 'n') {
    v.kind = FlatValue::Kind::Null;
    return word("null");
  }
  v.kind = FlatValue::Kind::Integer;
  v.negative = c == '-';
  if (v.negative) ++i_;
  if (i_ >= s_.size() || s_[i_] < '0' || s_[i_] > '9') return false;
  v.magnitude = 0;
  while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
    uint64_t d = uint64_t(s_[i_++] - '0');
    if (v.magnitude > (UINT64_MAX - d) / 10) return false;  // beyond 64 bits
    v.magnitude = v.magnitude * 10 + d;
  }
  // Fractions and exponents are not integers (nor is anything nested).
  return i_ >= s_.size() || (s_[i_] != '.' && s_[i_] != 'e' && s_[i_] != 'E');
}

}  // namespace tc::registry
