#include "debug/dwarf/value_format.hpp"

#include <cstdio>
#include <cctype>
#include <cmath>
#include <cstring>

#include "debug/dwarf/debug_info.hpp"

namespace tc::debug {
namespace {

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)v);
  return buf;
}

// gdb's escapes inside "..." (quote = '"') or '...' (quote = '\'').
std::string escape_char(uint8_t c, char quote) {
  switch (c) {
    case '\n': return "\\n";
    case '\t': return "\\t";
    case '\r': return "\\r";
    case '\a': return "\\a";
    case '\b': return "\\b";
    case '\f': return "\\f";
    case '\v': return "\\v";
    case '\\': return "\\\\";
  }
  if (c == uint8_t(quote)) return std::string("\\") + quote;
  if (c >= 0x20 && c < 0x7f) return std::string(1, char(c));
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\%03o", c);
  return buf;
}

std::string format_double(double d, bool is_float) {
  if (d != d) return std::signbit(d) ? "-nan(0x8000000000000)" : "nan(0x8000000000000)";
  if (d == __builtin_inf()) return "inf";
  if (d == -__builtin_inf()) return "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, is_float ? "%.9g" : "%.17g", d);
  return buf;
}

class Formatter {
 public:
  Formatter(const DebugInfo& info, FrameAccess* frame, const FormatOptions& opt)
      : info_(info), types_(info.types()), frame_(frame), opt_(opt) {}

  std::string value(Value v, bool top) {
    if (v.optimized_out) return "<optimized out>";
    TypeId id = types_.strip(v.type);
    const Type& t = types_[id];
    if (!v.fetched) {
      if (t.kind == TypeKind::Array && v.address) return array_lazy(v, id);
      auto f = fetch(v, types_, frame_);
      if (!f) return "<error: " + f.error().message + ">";
    }
    switch (t.kind) {
      case TypeKind::Base: return base(v, t);
      case TypeKind::Enum: return enumeration(v, t);
      case TypeKind::Pointer: return pointer(v, t, top);
      case TypeKind::Array: return array(v, id);
      case TypeKind::Struct:
      case TypeKind::Union:
      case TypeKind::Class: return aggregate(v, t);
      case TypeKind::Void: return "void";
      case TypeKind::Function: return "{" + type_name(types_, v.type) + "} " + (v.address ? hex(*v.address) : "");
      default: return "<unknown type>";
    }
  }

 private:
  std::string base(const Value& v, const Type& t) {
    if (t.encoding == Encoding::Float) {
      auto d = as_double(v, types_);
      if (!d) return "<error: " + d.error().message + ">";
      return format_double(*d, types_.size_of(v.type) == 4);
    }
    auto i = as_int(v, types_);
    if (!i) return "<error: " + i.error().message + ">";
    if (t.encoding == Encoding::Bool) {
      if (*i == 0) return "false";
      if (*i == 1) return "true";
      return std::to_string(*i);
    }
    bool is_signed = types_.is_signed(v.type);
    uint64_t size = v.bit_size ? 8 : types_.size_of(v.type);
    std::string num;
    if (is_signed) num = std::to_string(*i);
    else num = std::to_string(size >= 8 ? uint64_t(*i) : uint64_t(*i) & ((1ull << (8 * size)) - 1));
    if (types_.is_char(v.type) && !v.bit_size) return num + " '" + escape_char(uint8_t(*i), '\'') + "'";
    return num;
  }

  std::string enumeration(const Value& v, const Type& t) {
    auto i = as_int(v, types_);
    if (!i) return "<error: " + i.error().message + ">";
    for (const auto& e : t.enumerators)
      if (e.value == *i) return e.name;
    // A flag enum (every enumerator a distinct bit): (A | B | unknown: 0x8).
    bool flags = !t.enumerators.empty() && *i > 0;
    for (const auto& e : t.enumerators)
      if (e.value <= 0 || (e.value & (e.value - 1))) flags = false;
    if (flags) {
      std::string out;
      int64_t rest = *i;
      for (const auto& e : t.enumerators)
        if ((rest & e.value) == e.value) {
          out += (out.empty() ? "" : " | ") + e.name;
          rest &= ~e.value;
        }
      if (rest) out += (out.empty() ? "" : " | ") + std::string("unknown: ") + hex(uint64_t(rest));
      return "(" + out + ")";
    }
    return std::to_string(*i);
  }

  std::string symbol(uint64_t addr) {
    if (!opt_.symbols || addr == 0) return "";
    uint64_t off = 0;
    const Variable* g = info_.global_at_address(addr, &off);
    if (!g) return "";
    return off ? " <" + g->name + "+" + std::to_string(off) + ">" : " <" + g->name + ">";
  }

  std::string pointer(const Value& v, const Type& t, bool top) {
    auto i = as_int(v, types_);
    if (!i) return "<error: " + i.error().message + ">";
    uint64_t addr = uint64_t(*i) & 0xffffffffu;
    TypeId target = types_.strip(t.target);
    if (types_.is_char(target)) {
      if (addr == 0) return "0x0";
      return hex(addr) + " " + c_string(addr);
    }
    std::string s = hex(addr) + symbol(addr);
    if (top || types_[target].kind == TypeKind::Function) s = "(" + type_name(types_, v.type) + ") " + s;
    return s;
  }

  // A NUL-terminated string read from memory, at most max_elements chars.
  std::string c_string(uint64_t addr) {
    std::string out = "\"";
    size_t n = 0;
    bool terminated = false;
    uint8_t chunk[64];
    while (n < opt_.max_elements) {
      size_t want = std::min(sizeof chunk, opt_.max_elements - n);
      size_t got = 0;
      if (frame_ && frame_->read_memory(addr + n, chunk, want)) {
        got = want;
      } else {
        // Near the end of memory: byte by byte.
        while (got < want && frame_ && frame_->read_memory(addr + n + got, chunk + got, 1)) ++got;
        if (got == 0) {
          if (n == 0) return "<error: Cannot access memory at address " + hex(addr) + ">";
          out += "\"";
          return out + "<error: Cannot access memory at address " + hex(addr + n) + ">";
        }
      }
      size_t i = 0;
      for (; i < got; ++i) {
        if (chunk[i] == 0) { terminated = true; break; }
        out += escape_char(chunk[i], '"');
      }
      n += i;
      if (terminated || got < want) break;
    }
    out += "\"";
    if (!terminated && n >= opt_.max_elements) out += "...";
    return out;
  }

  // Elements of an array value already in `v.bytes`.
  std::string array(const Value& v, TypeId id) {
    TypeId elem = types_.element_of(id);
    uint64_t esize = types_.size_of(elem);
    const Type& t = types_[id];
    uint64_t count = t.dims.empty() ? 0 : t.dims.front();
    if (esize == 0) return "{}";
    if (count == 0 || count > v.bytes.size() / esize) count = v.bytes.size() / esize;  // no overflow (fuzz_debug)
    if (types_.is_char(elem) && types_[id].dims.size() == 1) return char_array(v.bytes.data(), count, false);
    return elements(v, elem, esize, count, count);
  }

  // A large array in memory: read only what gets printed.
  std::string array_lazy(const Value& v, TypeId id) {
    TypeId elem = types_.element_of(id);
    uint64_t esize = types_.size_of(elem);
    const Type& t = types_[id];
    uint64_t count = t.dims.empty() ? 0 : t.dims.front();
    if (esize == 0) return "{}";
    uint64_t shown = std::min<uint64_t>(count, opt_.max_elements);
    Value part;
    part.type = types_.array_of(elem, {shown});
    part.address = v.address;
    auto f = fetch(part, types_, frame_);
    if (!f) return "<error: " + f.error().message + ">";
    if (types_.is_char(elem) && types_[id].dims.size() == 1)
      return char_array(part.bytes.data(), shown, count > shown);
    return elements(part, elem, esize, shown, count);
  }

  std::string elements(const Value& v, TypeId elem, uint64_t esize, uint64_t have, uint64_t total) {
    std::string out = "{";
    uint64_t printed = 0;
    uint64_t i = 0;
    while (i < have) {
      if (printed >= opt_.max_elements) break;
      uint64_t reps = 1;
      while (i + reps < have &&
             std::memcmp(&v.bytes[i * esize], &v.bytes[(i + reps) * esize], size_t(esize)) == 0)
        ++reps;
      Value e;
      e.type = elem;
      e.bytes.assign(v.bytes.begin() + i * esize, v.bytes.begin() + (i + 1) * esize);
      e.fetched = true;
      if (v.address) e.address = *v.address + i * esize;
      if (i) out += ", ";
      out += value(e, false);
      if (reps > opt_.repeat_threshold) {
        out += " <repeats " + std::to_string(reps) + " times>";
        i += reps;
        printed += opt_.repeat_threshold;
      } else {
        i += 1;
        printed += 1;
      }
    }
    if (i < total) out += "...";
    return out + "}";
  }

  // gdb's generic_printstr: one trailing NUL dropped, long runs of a byte
  // as 'c' <repeats N times>, quoted segments joined by ", ".
  std::string char_array(const uint8_t* s, uint64_t length, bool truncated) {
    if (length > opt_.max_elements) {
      length = opt_.max_elements;
      truncated = true;
    }
    if (!truncated && length > 0 && s[length - 1] == 0) --length;
    if (length == 0) return "\"\"";
    std::string out;
    bool in_quote = false;
    for (uint64_t i = 0; i < length;) {
      uint64_t reps = 1;
      while (i + reps < length && s[i + reps] == s[i]) ++reps;
      if (reps > opt_.repeat_threshold) {
        if (in_quote) { out += "\", "; in_quote = false; }
        else if (!out.empty()) out += ", ";
        out += "'" + escape_char(s[i], '\'') + "' <repeats " + std::to_string(reps) + " times>";
        i += reps;
      } else {
        if (!in_quote) {
          if (!out.empty()) out += ", ";
          out += "\"";
          in_quote = true;
        }
        out += escape_char(s[i], '"');
        ++i;
      }
    }
    if (in_quote) out += "\"";
    if (truncated) out += "...";
    return out;
  }

  std::string aggregate(const Value& v, const Type& t) {
    if (t.members.empty()) return t.declaration ? "<incomplete type>" : "{<No data fields>}";
    std::string out = "{";
    bool first = true;
    for (const auto& m : t.members) {
      if (!first) out += ", ";
      first = false;
      Value f;
      f.type = m.type;
      f.bit_size = m.bit_size;
      f.bit_offset = m.bit_offset;
      uint64_t size = m.bit_size ? (m.bit_offset + m.bit_size + 7) / 8 : types_.size_of(m.type);
      if (m.offset + size <= v.bytes.size()) {
        f.bytes.assign(v.bytes.begin() + m.offset, v.bytes.begin() + m.offset + size);
        f.fetched = true;
      } else {
        f.optimized_out = true;
      }
      if (v.address && !m.bit_size) f.address = *v.address + m.offset;
      if (!m.name.empty()) out += m.name + " = ";
      out += value(f, false);
    }
    return out + "}";
  }

  const DebugInfo& info_;
  TypeTable& types_;
  FrameAccess* frame_;
  const FormatOptions& opt_;
};

std::string base_name(const TypeTable& types, const Type& t) {
  switch (t.kind) {
    case TypeKind::Struct: return t.name.empty() ? "struct {...}" : "struct " + t.name;
    case TypeKind::Union: return t.name.empty() ? "union {...}" : "union " + t.name;
    case TypeKind::Class: return t.name.empty() ? "class {...}" : "class " + t.name;
    case TypeKind::Enum: return t.name.empty() ? "enum {...}" : "enum " + t.name;
    case TypeKind::Void: return "void";
    default: return t.name.empty() ? "<unknown type>" : t.name;
  }
}

bool starts_with_qualifier(const std::string& s) {
  return s.rfind("const", 0) == 0 || s.rfind("volatile", 0) == 0 || s.rfind("restrict", 0) == 0;
}

// C declarator construction; `expand` prints the innermost struct/union/enum
// body (ptype) and looks through typedefs.
std::string decl(const TypeTable& types, TypeId id, const std::string& inner, bool expand, int depth = 0) {
  if (depth > 64) return "...";
  const Type& t = types[id];
  auto join = [&](const std::string& b) { return inner.empty() ? b : b + " " + inner; };
  switch (t.kind) {
    case TypeKind::Pointer: {
      std::string p = "*" + std::string(starts_with_qualifier(inner) ? " " : "") + inner;
      TypeKind tk = types[t.target].kind;
      if (tk == TypeKind::Array || tk == TypeKind::Function) p = "(" + p + ")";
      return decl(types, t.target, p, expand, depth + 1);
    }
    case TypeKind::Const:
    case TypeKind::Volatile:
    case TypeKind::Restrict: {
      const char* q = t.kind == TypeKind::Const ? "const" : t.kind == TypeKind::Volatile ? "volatile" : "restrict";
      if (types[t.target].kind == TypeKind::Pointer)
        return decl(types, t.target, std::string(q) + (inner.empty() ? "" : " " + inner), expand, depth + 1);
      return std::string(q) + " " + decl(types, t.target, inner, expand, depth + 1);
    }
    case TypeKind::Array: {
      std::string dims;
      for (uint64_t d : t.dims) dims += "[" + (d ? std::to_string(d) : std::string()) + "]";
      if (t.dims.empty()) dims = "[]";
      return decl(types, t.target, inner + dims, expand, depth + 1);
    }
    case TypeKind::Function: {
      std::string params = "(";
      for (size_t i = 0; i < t.params.size(); ++i)
        params += (i ? ", " : "") + decl(types, t.params[i], "", false, depth + 1);
      if (t.variadic) params += t.params.empty() ? "..." : ", ...";
      if (t.params.empty() && !t.variadic) params += "void";
      params += ")";
      return decl(types, t.target, inner + params, expand, depth + 1);
    }
    case TypeKind::Typedef:
      if (expand) return decl(types, t.target, inner, expand, depth + 1);
      return join(t.name);
    case TypeKind::Struct:
    case TypeKind::Union:
    case TypeKind::Class: {
      if (!expand) return join(base_name(types, t));
      std::string body = base_name(types, t);
      if (t.name.empty()) body = t.kind == TypeKind::Struct ? "struct" : t.kind == TypeKind::Union ? "union" : "class";
      body += " {\n";
      if (t.declaration && t.members.empty()) body += "    <incomplete type>\n";
      else if (t.members.empty()) body += "    <no data fields>\n";
      for (const auto& m : t.members) {
        body += "    " + decl(types, m.type, m.name, false, depth + 1);
        if (m.bit_size) body += " : " + std::to_string(m.bit_size);
        body += ";\n";
      }
      body += "}";
      return join(body);
    }
    case TypeKind::Enum: {
      if (!expand) return join(base_name(types, t));
      std::string body = t.name.empty() ? "enum {" : "enum " + t.name + " {";
      int64_t next = 0;
      for (size_t i = 0; i < t.enumerators.size(); ++i) {
        const auto& e = t.enumerators[i];
        body += (i ? ", " : "") + e.name;
        if (e.value != next) body += " = " + std::to_string(e.value);
        next = e.value + 1;
      }
      body += "}";
      return join(body);
    }
    default: return join(base_name(types, t));
  }
}

}  // namespace

std::string format_value(const Value& v, const DebugInfo& info, FrameAccess* frame, const FormatOptions& opt) {
  Formatter f(info, frame, opt);
  return f.value(v, true);
}

std::string format_variable(const std::string& name, const Value& v, const DebugInfo& info,
                            FrameAccess* frame, const FormatOptions& opt) {
  // gdb's info locals/args print values as members are printed: pointers
  // without print's "(type) " prefix.
  Formatter f(info, frame, opt);
  return name + " = " + f.value(v, false);
}

std::string type_name(const TypeTable& types, TypeId id) { return decl(types, id, "", false); }

std::string declare(const TypeTable& types, TypeId id, const std::string& name) {
  return decl(types, id, name, false);
}

std::string whatis(const TypeTable& types, TypeId id) { return "type = " + type_name(types, id); }

std::string ptype(const TypeTable& types, TypeId id) { return "type = " + decl(types, id, "", true); }

}  // namespace tc::debug
