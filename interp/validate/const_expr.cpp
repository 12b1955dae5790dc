#include "interp/validate/const_expr.hpp"

#include <vector>

#include "interp/validate/body_reader.hpp"

namespace tc::wasm {

namespace {
Error invalid(std::string msg, size_t at) {
  return make_error(ErrorKind::Invalid, std::move(msg), offset_location(at));
}
}  // namespace

std::optional<Error> check_const_expr(const ValidationContext& ctx, const ConstExpr& e,
                                      ValType expected, uint32_t num_globals, bool extended) {
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
      case Opcode::I32Add: case Opcode::I32Sub: case Opcode::I32Mul:  // extended constants
      case Opcode::I64Add: case Opcode::I64Sub: case Opcode::I64Mul:
        if (!extended) return invalid("constant expression required", at);
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
  // Pass 2: typing on a stack of types; the expression must leave exactly
  // the expected type.
  br.reset(0);
  std::vector<ValType> stack;
  auto mismatch = [&] {
    return invalid(std::string("type mismatch: constant expression must produce ") +
                       valtype_name(expected),
                   e.offset);
  };
  while (br.next(in)) {
    size_t at = e.offset + in.offset;
    switch (in.op) {
      case Opcode::I32Const: stack.push_back(ValType::I32); break;
      case Opcode::I64Const: stack.push_back(ValType::I64); break;
      case Opcode::F32Const: stack.push_back(ValType::F32); break;
      case Opcode::F64Const: stack.push_back(ValType::F64); break;
      case Opcode::V128Const: stack.push_back(ValType::V128); break;
      case Opcode::RefNull: stack.push_back(in.type); break;
      case Opcode::RefFunc:
        if (in.a >= ctx.func_types.size())
          return invalid("unknown function " + std::to_string(in.a), at);
        stack.push_back(ValType::FuncRef);
        break;
      case Opcode::GlobalGet: stack.push_back(ctx.globals[in.a].type); break;
      case Opcode::I32Add: case Opcode::I32Sub: case Opcode::I32Mul:
      case Opcode::I64Add: case Opcode::I64Sub: case Opcode::I64Mul: {
        ValType t = in.op == Opcode::I32Add || in.op == Opcode::I32Sub || in.op == Opcode::I32Mul
                        ? ValType::I32
                        : ValType::I64;
        if (stack.size() < 2 || stack[stack.size() - 1] != t || stack[stack.size() - 2] != t)
          return invalid(std::string("type mismatch: ") + std::string(in.info->text) +
                             " needs two " + valtype_name(t) + " operands",
                         at);
        stack.pop_back();
        break;
      }
      default: break;  // end
    }
  }
  if (stack.size() != 1 || stack[0] != expected) return mismatch();
  return std::nullopt;
}

}  // namespace tc::wasm
