#include "spec-tests/result_match.hpp"

#include <cstdio>
#include <cstring>

namespace tc::spec {

using namespace tc::wasm;
using wast::NumPattern;
using wast::ResultPattern;

Value const_to_value(const wast::Const& c) {
  switch (c.type) {
    case ValType::I32: return Value::make_i32(uint32_t(c.bits));
    case ValType::I64: return Value::make_i64(c.bits);
    case ValType::F32: return Value::make_f32_bits(uint32_t(c.bits));
    case ValType::F64: return Value::make_f64_bits(c.bits);
    case ValType::V128: {
      V128 v;
      std::memcpy(v.bytes, c.v128, 16);
      return Value::make_v128(v);
    }
    case ValType::FuncRef: return Value::make_ref(ValType::FuncRef, 0);
    case ValType::ExternRef:
      return Value::make_ref(ValType::ExternRef, c.is_null ? 0 : extern_ref(c.extern_id));
    case ValType::ExnRef: return Value::make_ref(ValType::ExnRef, 0);
  }
  return Value();
}

namespace {

// NaN classes (spec "NaN propagation"): canonical = quiet, payload exactly
// the top mantissa bit; arithmetic = quiet bit set, any payload; any sign.
bool num_matches(const NumPattern& p, uint64_t bits, unsigned width) {
  if (p.kind == NumPattern::Kind::Exact) {
    uint64_t mask = width == 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
    return (bits & mask) == (p.bits & mask);
  }
  if (width == 32) {
    uint32_t b = uint32_t(bits) & 0x7FFFFFFFu;
    return p.kind == NumPattern::Kind::NanCanonical ? b == 0x7FC00000u
                                                    : (b & 0x7FC00000u) == 0x7FC00000u;
  }
  uint64_t b = bits & 0x7FFFFFFFFFFFFFFFull;
  return p.kind == NumPattern::Kind::NanCanonical
             ? b == 0x7FF8000000000000ull
             : (b & 0x7FF8000000000000ull) == 0x7FF8000000000000ull;
}

uint64_t lane_bits(const V128& v, unsigned lane, unsigned width) {
  uint64_t x = 0;
  std::memcpy(&x, v.bytes + lane * (width / 8), width / 8);
  return x;
}

std::string num_to_string(const NumPattern& p, unsigned width) {
  if (p.kind == NumPattern::Kind::NanCanonical) return "nan:canonical";
  if (p.kind == NumPattern::Kind::NanArithmetic) return "nan:arithmetic";
  char buf[40];
  std::snprintf(buf, sizeof buf, width == 64 ? "0x%016llx" : "0x%llx",
                static_cast<unsigned long long>(p.bits));
  return buf;
}

}  // namespace

bool result_matches(const ResultPattern& p, const Value& v) {
  switch (p.kind) {
    case ResultPattern::Kind::Exact: {
      if (v.type != p.value.type) return false;
      Value want = const_to_value(p.value);
      switch (v.type) {
        case ValType::I32: case ValType::F32: return v.i32 == want.i32;
        case ValType::I64: case ValType::F64: return v.i64 == want.i64;
        case ValType::V128: return v.v128 == want.v128;
        case ValType::FuncRef: case ValType::ExternRef: case ValType::ExnRef: return v.ref == want.ref;
      }
      return false;
    }
    case ResultPattern::Kind::Float: {
      if (v.type != p.value.type || p.lanes.empty()) return false;
      unsigned w = v.type == ValType::F32 ? 32 : 64;
      return num_matches(p.lanes[0], w == 32 ? v.f32 : v.f64, w);
    }
    case ResultPattern::Kind::V128Lanes: {
      if (v.type != ValType::V128 || p.lane_bits == 0) return false;
      unsigned n = 128 / p.lane_bits;
      if (p.lanes.size() != n) return false;
      for (unsigned i = 0; i < n; ++i)
        if (!num_matches(p.lanes[i], lane_bits(v.v128, i, p.lane_bits), p.lane_bits))
          return false;
      return true;
    }
    case ResultPattern::Kind::RefNull:
      return v.type == p.value.type && v.ref == 0;
    case ResultPattern::Kind::RefExtern:
      return v.type == ValType::ExternRef && v.ref == extern_ref(p.value.extern_id);
    case ResultPattern::Kind::RefFunc:
      return v.type == ValType::FuncRef && v.ref != 0;
    case ResultPattern::Kind::RefExternAny:
      return v.type == ValType::ExternRef && v.ref != 0;
    case ResultPattern::Kind::Either:
      for (const auto& alt : p.either)
        if (result_matches(alt, v)) return true;
      return false;
  }
  return false;
}

std::string pattern_to_string(const ResultPattern& p) {
  switch (p.kind) {
    case ResultPattern::Kind::Exact: return value_to_string(const_to_value(p.value));
    case ResultPattern::Kind::Float: {
      unsigned w = p.value.type == ValType::F32 ? 32 : 64;
      return std::string(valtype_name(p.value.type)) + ":" +
             (p.lanes.empty() ? "?" : num_to_string(p.lanes[0], w));
    }
    case ResultPattern::Kind::V128Lanes: {
      std::string s = "v128:[";
      for (size_t i = 0; i < p.lanes.size(); ++i)
        s += (i ? " " : "") + num_to_string(p.lanes[i], p.lane_bits);
      return s + "]";
    }
    case ResultPattern::Kind::RefNull:
      return std::string(valtype_name(p.value.type)) + ":null";
    case ResultPattern::Kind::RefExtern:
      return "externref:" + std::to_string(p.value.extern_id);
    case ResultPattern::Kind::RefFunc: return "funcref:non-null";
    case ResultPattern::Kind::RefExternAny: return "externref:non-null";
    case ResultPattern::Kind::Either: {
      std::string s = "either(";
      for (size_t i = 0; i < p.either.size(); ++i) s += (i ? " | " : "") + pattern_to_string(p.either[i]);
      return s + ")";
    }
  }
  return "?";
}

std::string result_to_string(const Value& v) {
  if (v.type == ValType::ExternRef && v.ref != 0 && (v.ref & 1))
    return "externref:" + std::to_string(v.ref / 2);
  return value_to_string(v);
}

}  // namespace tc::spec
