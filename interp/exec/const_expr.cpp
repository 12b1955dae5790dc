#include "interp/exec/const_expr.hpp"

#include <vector>

#include "interp/validate/body_reader.hpp"

namespace tc::wasm {

Slot eval_const_expr(const InstanceImpl& inst, const ConstExpr& expr) {
  std::vector<Slot> stack;  // extended constants nest to any depth
  BodyReader r(expr.code.data(), expr.code.size(), 0);
  Instr in;
  auto push = [&](Slot v) { stack.push_back(v); };
  auto pop = [&]() -> Slot {
    if (stack.empty()) return 0;
    Slot v = stack.back();
    stack.pop_back();
    return v;
  };
  while (r.next(in)) {
    switch (in.op) {
      case Opcode::I32Const: push(uint32_t(in.i)); break;
      case Opcode::I64Const: push(uint64_t(in.i)); break;
      case Opcode::F32Const: push(uint32_t(in.bits)); break;
      case Opcode::F64Const: push(in.bits); break;
      case Opcode::RefNull: push(0); break;
      case Opcode::RefFunc: push(reinterpret_cast<uintptr_t>(inst.funcs[in.a])); break;
      case Opcode::GlobalGet: push(inst.globals[in.a]->bits[0]); break;
      case Opcode::I32Add: { uint32_t b = uint32_t(pop()), a = uint32_t(pop()); push(uint32_t(a + b)); break; }
      case Opcode::I32Sub: { uint32_t b = uint32_t(pop()), a = uint32_t(pop()); push(uint32_t(a - b)); break; }
      case Opcode::I32Mul: { uint32_t b = uint32_t(pop()), a = uint32_t(pop()); push(uint32_t(a * b)); break; }
      case Opcode::I64Add: { Slot b = pop(), a = pop(); push(a + b); break; }
      case Opcode::I64Sub: { Slot b = pop(), a = pop(); push(a - b); break; }
      case Opcode::I64Mul: { Slot b = pop(), a = pop(); push(a * b); break; }
      default: break;  // End
    }
  }
  return stack.empty() ? 0 : stack.back();
}

}  // namespace tc::wasm
