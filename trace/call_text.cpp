#include "trace/call_text.hpp"

#include <cstdio>

namespace tc::trace {

using Type = FieldValue::Type;

TextStyle TextStyle::whole() {
  TextStyle s;
  s.max_bytes = s.max_returned = s.max_items = SIZE_MAX;
  s.details = true;
  return s;
}

std::string quote_bytes(std::string_view b, size_t max) {
  static const char* hex = "0123456789abcdef";
  std::string s = "\"";
  for (size_t i = 0; i < b.size() && i < max; ++i) {
    unsigned char c = static_cast<unsigned char>(b[i]);
    if (c == '\n') s += "\\n";
    else if (c == '\t') s += "\\t";
    else if (c == '"' || c == '\\') { s += '\\'; s += char(c); }
    else if (c >= 32 && c < 127) s += char(c);
    else { s += "\\x"; s += hex[c >> 4]; s += hex[c & 15]; }
  }
  if (b.size() > max) s += "...";
  return s + "\"";
}

namespace {

std::string sized(uint64_t n) { return std::to_string(n) + " bytes"; }

// Bytes: quoted, or (hexdumped payloads) their size, the bytes kept for later.
std::string bytes_text(const std::string& b, bool payload, size_t max, const TextStyle& style,
                       const std::string& label, std::vector<Dump>* dumps) {
  if (!(payload && style.hexdump)) return quote_bytes(b, max);
  if (dumps && !b.empty()) dumps->push_back({label, b});
  return sized(b.size());
}

}  // namespace

std::string value_text(const FieldValue& v, const TextStyle& style, const std::string& label,
                       std::vector<Dump>* dumps) {
  switch (v.type) {
    case Type::Unsigned: return std::to_string(v.number);
    case Type::Signed: return std::to_string(int64_t(v.number));
    case Type::Named: return wasi::name_text(v.names, v.number);
    case Type::Errno: return wasi::errno_name(wasi::Errno(v.number));
    case Type::Length: return sized(v.number);
    case Type::Bytes: return bytes_text(v.bytes, v.payload, style.max_bytes, style, label, dumps);
    case Type::Text: return v.bytes;
    case Type::List: {
      std::string s = "[";
      for (size_t i = 0; i < v.members.size(); ++i) {
        if (i == style.max_items) {
          s += ", ... " + std::to_string(v.members.size() - i) + " more";
          break;
        }
        s += (i ? ", " : "") +
             value_text(v.members[i].value, style, label + "[" + std::to_string(i) + "]", dumps);
      }
      return s + "]";
    }
    case Type::Record: {
      std::string s = "{";
      bool first = true;
      for (const auto& m : v.members) {
        if (m.detail && !style.details) continue;
        s += (first ? "" : ", ") + m.name + "=" + value_text(m.value, style, label + "." + m.name, dumps);
        first = false;
      }
      return s + "}";
    }
  }
  return "?";
}

std::string call_text(const DecodedCall& c, const TextStyle& style, std::vector<Dump>* dumps) {
  std::string s = c.name + "(";
  for (size_t i = 0; i < c.inputs.size(); ++i)
    s += (i ? ", " : "") + c.inputs[i].name + "=" +
         value_text(c.inputs[i].value, style, c.inputs[i].name, dumps);
  s += ") = ";
  s += wasi::errno_name(c.error);
  const char* mark = c.injected ? " (injected)" : "";
  if (c.error != wasi::Errno::Success) return s + mark;  // a failed call's outputs mean nothing
  for (const auto& o : c.outputs) s += " " + o.name + "=" + value_text(o.value, style, o.name, dumps);
  for (size_t i = 0; i < c.filled.size(); ++i)
    s += " <- " + bytes_text(c.filled[i], true, style.max_returned, style,
                             c.filled.size() == 1 ? "returned" : "returned[" + std::to_string(i) + "]",
                             dumps);
  return s + mark;
}

std::string DecodedCall::to_string() const { return call_text(*this); }

std::string record_head(uint64_t index, uint64_t time_ns) {
  char head[48];
  std::snprintf(head, sizeof head, "%6llu %12.6f  ", static_cast<unsigned long long>(index),
                double(time_ns) / 1e9);
  return head;
}

std::string record_columns() {
  char cols[80];
  std::snprintf(cols, sizeof cols, "%6s %12s  %s", "RECORD", "SECONDS",
                "CALL(INPUTS) = ERRNO OUTPUTS <- RETURNED");
  return cols;
}

std::string record_text(const DecodedCall& c, const TextStyle& style) {
  std::vector<Dump> dumps;
  std::string s = record_head(c.index, c.time_ns) + call_text(c, style, &dumps) + "\n";
  std::string pad(kRecordHeadWidth, ' ');
  for (const auto& d : dumps)
    s += pad + d.label + " (" + sized(d.bytes.size()) + "):\n" + hexdump(d.bytes, kRecordHeadWidth);
  return s;
}

std::string hexdump(std::string_view bytes, size_t indent) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (size_t at = 0; at < bytes.size(); at += 16) {
    char offset[16];
    std::snprintf(offset, sizeof offset, "%08zx ", at);
    std::string line = std::string(indent, ' ') + offset, ascii;
    for (size_t i = at; i < at + 16; ++i) {
      if (i % 8 == 0) line += ' ';
      if (i < bytes.size()) {
        unsigned char c = static_cast<unsigned char>(bytes[i]);
        line += hex[c >> 4];
        line += hex[c & 15];
        line += ' ';
        ascii += c >= 32 && c < 127 ? char(c) : '.';
      } else {
        line += "   ";
      }
    }
    out += line + " |" + ascii + "|\n";
  }
  return out;
}

}  // namespace tc::trace
