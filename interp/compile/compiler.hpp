// Validated function body -> threaded register code (see iops.def).
// Trusts validation: the body is well-typed, so compilation cannot fail.
#pragma once
#include <memory>

#include "interp/code/iops.hpp"

namespace tc::wasm {

struct FuncInst;

// Compiles a defined (non-host) function against its instance: call
// targets, globals and tables are resolved to runtime pointers. In a store
// with counted tiers (EngineConfig::exact_tier) the fast code counts each
// straight-line segment, and `exact` asks for the code that can stop at
// any instruction instead.
std::unique_ptr<CompiledFunc> compile_function(const FuncInst& func, bool exact = false);

}  // namespace tc::wasm
