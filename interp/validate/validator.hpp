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

// The same with the function bodies spread over `threads` threads (1 =
// all on the caller's). The result does not depend on the count: the
// lowest-indexed function's error wins, as in a serial pass. fast_paths =
// false types every instruction the general way (the result is the same;
// TIMECRAFT_FUSE=0 runs the suites so, see load_module).
Expected<void> validate_module(const Module& m, Features f, unsigned threads,
                               bool fast_paths = true);

// The count the first form uses: one per core (at most 8), or 1 when the
// bodies are too small to be worth a thread.
unsigned validation_threads(const Module& m);

}  // namespace tc::wasm
