// Constant-expression evaluation (spec 2.0: t.const, ref.null, ref.func,
// global.get; also the extended-const arithmetic so 3.0 modules work).
#pragma once
#include "interp/exec/runtime.hpp"

namespace tc::wasm {

// Evaluates against the instance's (already resolved) globals and funcs.
// Trusts validation; returns the value's slot bits.
Slot eval_const_expr(const InstanceImpl& inst, const ConstExpr& expr);
// The same for a v128 expression (v128.const or global.get): both slots.
void eval_const_expr_v128(const InstanceImpl& inst, const ConstExpr& expr, Slot out[2]);

}  // namespace tc::wasm
