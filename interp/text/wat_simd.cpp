// ModuleParser: the SIMD immediates (spec text/instructions.rst, vector
// instructions): v128.const in every lane shape, lane indices, memarg +
// lane index, and i8x16.shuffle's 16 lane indices. Messages follow the
// reference parser of the 2.0 test suite.
#include "interp/text/literals.hpp"
#include "interp/text/wat_parser.hpp"

namespace tc::wat {

using wasm::ImmKind;

namespace {

bool is_num(const Token& t) {
  return t.kind == TokKind::Nat || t.kind == TokKind::Int || t.kind == TokKind::Float;
}

// Lane shape keyword -> lane width in bits and whether lanes are floats.
bool shape_of(std::string_view s, unsigned& bits, bool& is_float) {
  is_float = s[0] == 'f';
  if (s == "i8x16") bits = 8;
  else if (s == "i16x8") bits = 16;
  else if (s == "i32x4" || s == "f32x4") bits = 32;
  else if (s == "i64x2" || s == "f64x2") bits = 64;
  else return false;
  return true;
}

}  // namespace

Expected<void> ModuleParser::parse_simd_imm(const OpInfo& op, ByteWriter& out) {
  auto emit_op = [&] {
    out.u8(op.prefix);
    out.u32(op.code);
  };
  // A lane index: a natural number below 256.
  auto lane_index = [&]() -> Expected<uint8_t> {
    const Token& t = peek();
    if (t.kind != TokKind::Nat) return unexpected(t);
    auto v = parse_u32(text(t));
    if (!v || *v > 255) return error_at(t, "i8 constant out of range");
    next();
    return uint8_t(*v);
  };
  switch (op.imm) {
    case ImmKind::V128Const: {
      const Token& s = peek();
      unsigned bits = 0;
      bool is_float = false;
      if (s.kind != TokKind::Keyword || !shape_of(text(s), bits, is_float)) return unexpected(s);
      next();
      size_t first = pos_, n = 0;
      while (is_num(peek(n))) ++n;
      if (n != 128 / bits) return error_at(s, "wrong number of lane literals");
      emit_op();
      for (size_t i = 0; i < n; ++i) {
        const Token& t = t_[first + i];
        std::string_view lit = text(t);
        std::optional<uint64_t> v;
        if (is_float) v = bits == 32 ? std::optional<uint64_t>(parse_f32(lit)) : parse_f64(lit);
        else v = parse_int_bits(lit, bits);
        if (!v) return error_at(t, "constant out of range");
        out.fixed(*v, bits / 8);
      }
      pos_ += n;
      return {};
    }
    case ImmKind::Lane: {
      auto l = lane_index();
      if (!l) return std::move(l.error());
      emit_op();
      out.u8(*l);
      return {};
    }
    case ImmKind::MemArgLane: {
      ByteWriter mem;
      TC_TRY(parse_memarg(op, mem, true));
      auto l = lane_index();
      if (!l) return std::move(l.error());
      emit_op();
      out.bytes.insert(out.bytes.end(), mem.bytes.begin(), mem.bytes.end());
      out.u8(*l);
      return {};
    }
    case ImmKind::Shuffle: {
      const Token& at = peek();
      size_t n = 0;
      while (is_num(peek(n))) ++n;
      if (n != 16) return error_at(at, "invalid lane length");
      emit_op();
      for (size_t i = 0; i < 16; ++i) {
        const Token& t = next();
        auto v = t.kind == TokKind::Nat ? parse_u32(text(t)) : std::nullopt;
        if (!v || *v > 255) return error_at(t, "i8 constant out of range");
        out.u8(uint8_t(*v));
      }
      return {};
    }
    default:
      return unexpected(peek());
  }
}

}  // namespace tc::wat
