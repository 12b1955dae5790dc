#include "debug/dwarf/value.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "debug/dwarf/debug_info.hpp"

namespace tc::debug {
namespace {
std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)v);
  return buf;
}
Error usage(const std::string& m) { return make_error(ErrorKind::Usage, m); }
}  // namespace

std::optional<WatchRange> watch_range(const Value& v, const TypeTable& types) {
  if (!v.address || v.optimized_out) return std::nullopt;
  uint64_t size = types.size_of(v.type);
  if (v.bit_size) size = (v.bit_offset + v.bit_size + 7) / 8;
  if (size == 0) return std::nullopt;
  return WatchRange{*v.address, size};
}

Expected<void> fetch(Value& v, const TypeTable& types, FrameAccess* frame) {
  if (v.fetched || v.optimized_out) return {};
  if (!v.address) return usage("value is not available");
  uint64_t size = types.size_of(v.type);
  if (v.bit_size) size = (v.bit_offset + v.bit_size + 7) / 8;
  if (size > kMaxValueBytes)
    return usage("value requires " + std::to_string(size) +
                 " bytes, which is more than max-value-size");
  std::vector<uint8_t> buf(static_cast<size_t>(size));
  if (size && (!frame || !frame->read_memory(*v.address, buf.data(), buf.size())))
    return usage("Cannot access memory at address " + hex(*v.address));
  v.bytes = std::move(buf);
  v.fetched = true;
  return {};
}

Expected<Value> read_variable(const DebugInfo& info, const Variable& var, const Function* fn,
                              uint64_t pc, FrameAccess* frame) {
  const TypeTable& types = info.types();
  Value v;
  v.type = var.type;
  const std::vector<uint8_t>* expr = var.location.at(pc);
  if (!expr) {
    v.optimized_out = true;
    return v;
  }
  uint64_t size = types.size_of(var.type);
  if (var.location.kind == LocationDesc::Kind::ConstValue) {
    v.bytes = *expr;
    v.bytes.resize(size_t(size), 0);
    v.fetched = true;
    return v;
  }
  LocationContext ctx;
  ctx.frame = frame;
  ctx.frame_base = fn && !fn->frame_base.empty() ? &fn->frame_base : nullptr;
  auto loc = evaluate_location(*expr, ctx);
  if (!loc) return usage("cannot read " + var.name + ": " + loc.error().message);
  switch (loc->kind) {
    case Location::Kind::Memory: {
      v.address = loc->address;
      if (size <= kMaxValueBytes) {
        auto r = fetch(v, types, frame);
        if (!r) return r.error();
      }
      return v;
    }
    case Location::Kind::Unavailable:
      v.optimized_out = true;
      return v;
    case Location::Kind::WasmLocal:
    case Location::Kind::WasmGlobal:
    case Location::Kind::WasmOperand:
      v.storage = *loc;
      [[fallthrough]];
    default: {
      auto bytes = read_location(*loc, size, frame);
      if (!bytes) {
        // A slot the frame cannot give (e.g. no live frame) reads as
        // optimized out rather than failing the whole expression.
        v.optimized_out = true;
        return v;
      }
      v.bytes = std::move(*bytes);
      v.fetched = true;
      return v;
    }
  }
}

namespace {
uint64_t raw_bits(const Value& v, size_t size) {
  uint64_t bits = 0;
  for (size_t i = 0; i < size && i < 8 && i < v.bytes.size(); ++i) bits |= uint64_t(v.bytes[i]) << (8 * i);
  return bits;
}
}  // namespace

Expected<int64_t> as_int(const Value& v, const TypeTable& types) {
  if (v.optimized_out) return usage("value has been optimized out");
  if (!v.fetched) return usage("value is not available");
  const Type& t = types.resolved(v.type);
  if (types.is_float(v.type)) {
    auto d = as_double(v, types);
    if (!d) return d.error();
    // Out of range is undefined behaviour in C++: saturate, NaN -> 0
    // (found by fuzz_debug).
    if (std::isnan(*d)) return int64_t(0);
    if (*d >= 9223372036854775807.0) return INT64_MAX;
    if (*d <= -9223372036854775808.0) return INT64_MIN;
    return int64_t(*d);
  }
  if (!types.is_integer(v.type) && t.kind != TypeKind::Pointer && !(t.kind == TypeKind::Base))
    return usage("Invalid cast.");
  size_t size = size_t(types.size_of(v.type));
  if (v.bit_size) {
    uint64_t all = 0;
    for (size_t i = 0; i < v.bytes.size() && i < 8; ++i) all |= uint64_t(v.bytes[i]) << (8 * i);
    uint64_t field = (all >> v.bit_offset) & (v.bit_size >= 64 ? ~0ull : ((1ull << v.bit_size) - 1));
    if (types.is_signed(v.type) && v.bit_size < 64 && (field >> (v.bit_size - 1)) & 1)
      field |= ~0ull << v.bit_size;
    return int64_t(field);
  }
  uint64_t bits = raw_bits(v, size);
  if (size < 8 && size > 0 && types.is_signed(v.type) && (bits >> (8 * size - 1)) & 1)
    bits |= ~0ull << (8 * size);
  return int64_t(bits);
}

Expected<double> as_double(const Value& v, const TypeTable& types) {
  if (v.optimized_out) return usage("value has been optimized out");
  if (!v.fetched) return usage("value is not available");
  if (types.is_float(v.type)) {
    size_t size = size_t(types.size_of(v.type));
    if (size == 4) {
      uint32_t b = uint32_t(raw_bits(v, 4));
      float f;
      std::memcpy(&f, &b, 4);
      return double(f);
    }
    if (size == 8) {
      uint64_t b = raw_bits(v, 8);
      double d;
      std::memcpy(&d, &b, 8);
      return d;
    }
    if (size == 16 && v.bytes.size() >= 16) {
      // binary128 (wasm long double): convert via the top 64 bits.
      uint64_t hi = 0, lo = 0;
      for (int i = 0; i < 8; ++i) lo |= uint64_t(v.bytes[i]) << (8 * i);
      for (int i = 0; i < 8; ++i) hi |= uint64_t(v.bytes[8 + i]) << (8 * i);
      int sign = int(hi >> 63);
      int exp = int((hi >> 48) & 0x7fff);
      uint64_t mant = hi & 0xffffffffffffull;
      if (exp == 0 && mant == 0 && lo == 0) return sign ? -0.0 : 0.0;
      if (exp == 0x7fff) return mant || lo ? __builtin_nan("") : (sign ? -__builtin_inf() : __builtin_inf());
      double m = 1.0 + double(mant) / double(1ull << 48) + double(lo) / 1.8446744073709552e19 / double(1ull << 48);
      double r = __builtin_ldexp(m, exp - 16383);
      return sign ? -r : r;
    }
    return usage("unsupported floating-point size");
  }
  auto i = as_int(v, types);
  if (!i) return i.error();
  if (!types.is_signed(v.type) && types.size_of(v.type) == 8) return double(uint64_t(*i));
  return double(*i);
}

Value make_scalar(const TypeTable& types, TypeId type, uint64_t bits) {
  Value v;
  v.type = type;
  size_t size = size_t(types.size_of(type));
  v.bytes.resize(size);
  for (size_t i = 0; i < size && i < 8; ++i) v.bytes[i] = uint8_t(bits >> (8 * i));
  v.fetched = true;
  return v;
}

Value make_float(const TypeTable& types, TypeId type, double d) {
  size_t size = size_t(types.size_of(type));
  if (size == 4) {
    float f = float(d);
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return make_scalar(types, type, b);
  }
  uint64_t b;
  std::memcpy(&b, &d, 8);
  if (size != 16) return make_scalar(types, type, b);
  // binary128 (wasm32 long double) from a double.
  uint64_t sign = b >> 63, exp = (b >> 52) & 0x7ff, mant = b & ((1ull << 52) - 1);
  uint64_t hi = sign << 63, lo = 0;
  if (exp == 0x7ff) hi |= 0x7fffull << 48 | (mant ? 1ull << 47 : 0);
  else if (exp != 0) hi |= (exp - 1023 + 16383) << 48 | mant >> 4, lo = mant << 60;
  Value v;
  v.type = type;
  v.bytes.resize(16);
  for (int i = 0; i < 8; ++i) v.bytes[i] = uint8_t(lo >> (8 * i));
  for (int i = 0; i < 8; ++i) v.bytes[8 + i] = uint8_t(hi >> (8 * i));
  v.fetched = true;
  return v;
}

}  // namespace tc::debug
