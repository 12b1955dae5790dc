#include "interp/validate/const_expr.hpp"

#include "interp/validate/body_reader.hpp"

namespace tc::wasm {

namespace {
Error invalid(std::string msg, size_t at) {
  return make_error(ErrorKind::Invalid, std::move(msg), offset_location(at));
}
}  // namespace

std::optional<Error> check_const_expr(const ValidationContext& ctx, const ConstExpr& e,
                                      ValType expected, uint32_t num_globals) {
  // Pass 1: constness (the decoder already checked the encoding).
  BodyReader br(e.code.data(), e.code.size(), 0);
  Instr in;
  while (br.next(in)) {
    size_t at = e.offset + in.offset;
    switch (in.op) {
      case Opcode::I32Const: case Opcode::I64Const: case Opcode::F32Const:
      case Opcode::F64Const: case Opcode::RefNull: case Opcode::RefFunc:
      case Opcode::V128Const: case Opcode::End:
        break;
      case Opcode::GlobalGet:
        if (in.a >= num_globals) return invalid("unknown global " + std::to_string(in.a), at);
        if (ctx.globals[in.a].mut) return invalid("constant expression required", at);
        break;
      default:
        return invalid("constant expression required", at);
    }
  }
  if (br.failed()) return br.error();
  // Pass 2: typing. Constant instructions only push, so the result is the
  // sequence of pushed types.
  br.reset(0);
  ValType got = ValType::I32;
  size_t count = 0;
  while (br.next(in)) {
    size_t at = e.offset + in.offset;
    switch (in.op) {
      case Opcode::I32Const: got = ValType::I32; break;
      case Opcode::I64Const: got = ValType::I64; break;
      case Opcode::F32Const: got = ValType::F32; break;
      case Opcode::F64Const: got = ValType::F64; break;
      case Opcode::V128Const: got = ValType::V128; break;
      case Opcode::RefNull: got = in.type; break;
      case Opcode::RefFunc:
        if (in.a >= ctx.func_types.size())
          return invalid("unknown function " + std::to_string(in.a), at);
        got = ValType::FuncRef;
        break;
      case Opcode::GlobalGet: got = ctx.globals[in.a].type; break;
      default: continue;  // end
    }
    ++count;
  }
  if (count != 1 || got != expected)
    return invalid(std::string("type mismatch: constant expression must produce ") +
                       valtype_name(expected),
                   e.offset);
  return std::nullopt;
}

}  // namespace tc::wasm
