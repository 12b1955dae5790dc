// Validation (spec "Validation"): the operand-stack / control-stack
// algorithm over every function body, plus module-level rules. It also
// decodes instruction encodings, so a bad opcode or immediate is reported
// as Malformed; a type error as Invalid. Never mutates the Module.
#pragma once
#include "interp/error.hpp"
#include "interp/features.hpp"
#include "interp/module.hpp"

namespace tc::wasm {

// Like the reference interpreter, malformed-encoding errors anywhere in the
// code section win over validation errors (the spec decodes first).
// Without Features::extended_const, constant expressions are 2.0's;
// without Features::multi_memory a module has at most one memory (2.0).
Expected<void> validate_module(const Module& m, Features f = {});

}  // namespace tc::wasm
