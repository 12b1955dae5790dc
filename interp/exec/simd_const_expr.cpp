// v128 constant expressions (global initialisers): v128.const or a
// global.get of a v128 global; the last value produced wins.
#include <cstring>

#include "interp/exec/const_expr.hpp"
#include "interp/validate/body_reader.hpp"

namespace tc::wasm {

void eval_const_expr_v128(const InstanceImpl& inst, const ConstExpr& expr, Slot out[2]) {
  out[0] = out[1] = 0;
  BodyReader r(expr.code.data(), expr.code.size(), 0);
  Instr in;
  while (r.next(in)) {
    if (in.op == Opcode::V128Const) std::memcpy(out, in.v128, 16);
    else if (in.op == Opcode::GlobalGet) std::memcpy(out, inst.globals[in.a]->bits, 16);
  }
}

}  // namespace tc::wasm
