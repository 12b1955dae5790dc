// Constant expressions (spec "Constant Expressions"), checked as the
// reference interpreter does: every instruction must be constant (a
// global.get only of an immutable global visible to the expression; the
// extended-constant i32/i64 add, sub, mul), then the sequence must
// produce exactly the expected type.
#pragma once
#include <optional>

#include "interp/error.hpp"
#include "interp/validate/context.hpp"

namespace tc::wasm {

// `num_globals`: how many globals (from the front of the index space) the
// expression may read: a global's initializer those before it, segments
// all of them (wasm 3.0; 2.0 allowed only imported ones).
// `extended`: the extended-constant arithmetic is constant (wasm 3.0).
std::optional<Error> check_const_expr(const ValidationContext& ctx, const ConstExpr& e,
                                      ValType expected, uint32_t num_globals, bool extended = true);

}  // namespace tc::wasm
