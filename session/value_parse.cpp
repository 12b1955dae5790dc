#include "session/value_parse.hpp"

#include <bit>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>

namespace tc::session {

using namespace tc::wasm;

std::optional<Value> parse_value(const std::string& s, ValType type) {
  if (s.empty()) return std::nullopt;
  const char* b = s.c_str();
  char* end = nullptr;
  errno = 0;
  switch (type) {
    case ValType::I32:
    case ValType::I64: {
      bool neg = s[0] == '-';
      uint64_t v;
      if (neg) {
        long long x = std::strtoll(b, &end, 0);
        v = uint64_t(x);
        if (type == ValType::I32 && x < INT32_MIN) return std::nullopt;
      } else {
        v = std::strtoull(b, &end, 0);
        if (type == ValType::I32 && v > UINT32_MAX) return std::nullopt;
      }
      if (errno || *end) return std::nullopt;
      return type == ValType::I32 ? Value::make_i32(uint32_t(v)) : Value::make_i64(v);
    }
    case ValType::F32: {
      float f = std::strtof(b, &end);
      if (*end) return std::nullopt;
      return Value::make_f32_bits(std::bit_cast<uint32_t>(f));
    }
    case ValType::F64: {
      double d = std::strtod(b, &end);
      if (*end) return std::nullopt;
      return Value::make_f64_bits(std::bit_cast<uint64_t>(d));
    }
    case ValType::FuncRef:
    case ValType::ExternRef:
      if (s == "null") return Value::make_ref(type, 0);
      return std::nullopt;
    case ValType::V128:
      return std::nullopt;
  }
  return std::nullopt;
}

std::string format_value(const Value& v) {
  char buf[64];
  switch (v.type) {
    case ValType::I32: std::snprintf(buf, sizeof buf, "%" PRId32, int32_t(v.i32)); return buf;
    case ValType::I64: std::snprintf(buf, sizeof buf, "%" PRId64, int64_t(v.i64)); return buf;
    case ValType::F32:
      std::snprintf(buf, sizeof buf, "%.9g", double(std::bit_cast<float>(v.f32)));
      return buf;
    case ValType::F64:
      std::snprintf(buf, sizeof buf, "%.17g", std::bit_cast<double>(v.f64));
      return buf;
    default: return value_to_string(v);
  }
}

}  // namespace tc::session
